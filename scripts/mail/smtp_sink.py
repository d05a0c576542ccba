"""A real SMTP server for tests: aiosmtpd on 127.0.0.1:PORT, storing every
accepted message in a Maildir, with fault modes for fault tests.

Run with the repository's .venv python (scripts/test-deps-messages.sh
installs aiosmtpd). Once listening it prints "<pid> ready" on stdout and
nothing more; it runs until killed.

Each accepted message is written to DIR/new/ as the DATA bytes received
(after dot-unstuffing, CRLF line endings as on the wire) with two lines
prepended: `X-MailFrom: <envelope sender>` and `X-RcptTo: <recipients,
comma-separated>` (as aiosmtpd's Mailbox handler names them). The file is
written to DIR/tmp/ and renamed, so DIR/new/ never holds a partial message;
names start with the arrival time in nanoseconds, so sorting them by name
gives the arrival order (also across restarts on the same Maildir).

Fault modes count the DATA commands that reached their end (1, 2, 3, ...):
  --tempfail-first N  DATA 1..N are answered `451 4.3.0 try again later`
                      and nothing is stored
  --drop-every K      every K-th DATA (counting from 1, after the tempfail
                      check) is received in full, then the connection is
                      closed without an answer and nothing is stored
  --delay-ms D        every DATA waits D ms before it is answered (other
                      connections go on meanwhile)
TLS: --tls-cert/--tls-key offer STARTTLS (with --require-starttls, commands
other than EHLO/NOOP/QUIT/STARTTLS are refused before it), or with
--implicit-tls the whole connection is TLS (SMTPS). --auth USER:PASSWORD
requires AUTH (PLAIN or LOGIN) with exactly these credentials before MAIL.
"""

import argparse
import asyncio
import os
import re
import ssl
import sys
import time

try:
    from aiosmtpd.smtp import MISSING, SMTP, AuthResult, LoginPassword, syntax
except ImportError as e:  # pragma: no cover
    sys.exit(f"smtp_sink: {e}: run scripts/test-deps-messages.sh")

DOT_STUFFED = re.compile(rb"(^|\r\n)\.")


class FastSMTP(SMTP):
    """aiosmtpd's SMTP with a DATA phase that reads the message in large
    chunks instead of line by line: aiosmtpd 1.4's line loop costs about
    2 us a line here, a fifth of the sink's CPU for a 100-line message. The
    checks, answers and limits are aiosmtpd's: 503/501 before 354,
    dot-unstuffing, 500 for a line over 1000 bytes and 552 over
    data_size_limit, both after the whole message has been read."""

    @syntax("DATA")
    async def smtp_DATA(self, arg):
        if await self.check_helo_needed():
            return
        if await self.check_auth_needed("DATA"):
            return
        if not self.envelope.rcpt_tos:
            await self.push("503 Error: need RCPT command")
            return
        if arg:
            await self.push("501 Syntax: DATA")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        buf = bytearray()
        scanned = 0
        while True:
            if buf.startswith(b".\r\n"):
                end, rest = 0, 3
                break
            i = buf.find(b"\r\n.\r\n", max(scanned - 4, 0))
            if i >= 0:
                end, rest = i + 2, i + 5
                break
            scanned = len(buf)
            chunk = await self._reader.read(1 << 16)
            if not chunk:
                # The client went away in the middle of DATA.
                self._writer.close()
                return
            buf += chunk
        # Give back what came after the terminating dot (pipelined commands).
        if rest < len(buf):
            self._reader._buffer[:0] = buf[rest:]
        del buf[end:]
        limit = self.data_size_limit
        if limit and len(buf) > limit:
            await self.push("552 Error: Too much mail data")
            self._set_post_data_state()
            return
        if buf and max(map(len, buf.split(b"\r\n"))) + 2 > self.line_length_limit:
            await self.push("500 Line too long (see RFC5321 4.5.3.1.6)")
            self._set_post_data_state()
            return
        content = DOT_STUFFED.sub(rb"\1", bytes(buf))
        self.envelope.content = content
        self.envelope.original_content = content
        status = await self._call_handler_hook("DATA")
        self._set_post_data_state()
        await self.push("250 OK" if status is MISSING else status)


class Sink:
    def __init__(self, maildir, tempfail_first, drop_every, delay_ms):
        self.maildir = maildir
        self.tempfail_first = tempfail_first
        self.drop_every = drop_every
        self.delay = delay_ms / 1000.0
        self.data_commands = 0
        self.stored = 0
        self.pid = os.getpid()
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(maildir, sub), exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        self.data_commands += 1
        n = self.data_commands
        if self.delay:
            await asyncio.sleep(self.delay)
        if n <= self.tempfail_first:
            return "451 4.3.0 try again later"
        if self.drop_every and n % self.drop_every == 0:
            # The data has been received; the client gets no answer.
            server.transport.close()
            return "421 4.3.0 connection dropped"  # never reaches the client
        self.store(envelope)
        return "250 2.0.0 OK"

    def store(self, envelope):
        self.stored += 1
        rcpt = ", ".join(envelope.rcpt_tos)
        head = f"X-MailFrom: {envelope.mail_from}\r\nX-RcptTo: {rcpt}\r\n"
        name = f"{time.time_ns():020d}.M{self.stored:08d}P{self.pid}.sink"
        tmp = os.path.join(self.maildir, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(head.encode("utf-8", "surrogateescape"))
            f.write(envelope.original_content)
        os.rename(tmp, os.path.join(self.maildir, "new", name))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--maildir", required=True)
    p.add_argument("--tempfail-first", type=int, default=0, metavar="N")
    p.add_argument("--drop-every", type=int, default=0, metavar="K")
    p.add_argument("--delay-ms", type=float, default=0, metavar="D")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--require-starttls", action="store_true")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--auth", metavar="USER:PASSWORD")
    args = p.parse_args()

    context = None
    if args.tls_cert or args.tls_key:
        if not (args.tls_cert and args.tls_key):
            p.error("--tls-cert and --tls-key go together")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
    elif args.require_starttls or args.implicit_tls:
        p.error("--require-starttls and --implicit-tls need --tls-cert and --tls-key")

    authenticator = None
    if args.auth is not None:
        user, sep, password = args.auth.partition(":")
        if not sep:
            p.error("--auth takes USER:PASSWORD")
        want = LoginPassword(user.encode(), password.encode())

        def authenticator(server, session, envelope, mechanism, auth_data):
            return AuthResult(success=auth_data == want, handled=False)

    handler = Sink(args.maildir, args.tempfail_first, args.drop_every, args.delay_ms)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def factory():
        return FastSMTP(
            handler,
            # A fixed name: the default asks the resolver for this host's FQDN.
            hostname="sink.lekradar.test",
            ident="lekradar smtp_sink",
            enable_SMTPUTF8=True,
            tls_context=None if args.implicit_tls else context,
            require_starttls=args.require_starttls,
            authenticator=authenticator,
            auth_required=authenticator is not None,
            auth_require_tls=False,
            timeout=60,
            loop=loop,
        )

    server = loop.run_until_complete(
        loop.create_server(
            factory,
            host=args.host,
            port=args.port,
            ssl=context if args.implicit_tls else None,
            reuse_address=True,
            backlog=512,
        )
    )
    print(f"{os.getpid()} ready", flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
