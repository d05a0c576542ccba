//! Physical lines with their numbers, for every line-based format; and the
//! one-value-per-line format's detector (the fallback of every text file).

use std::collections::VecDeque;
use std::io::BufRead;

use super::{Format, Guess, Head};
use crate::rows::{Reject, RejectReason};
use crate::source::decode_line;

/// Longest line kept whole; a longer one is one reject (its start shown
/// redacted), so a file with no line breaks cannot take unbounded memory.
pub const MAX_LINE: usize = 1 << 20;

/// The non-empty lines of a text stream with their 1-based numbers. A read
/// error (a corrupt or truncated compressed stream) is one reject and the
/// end: the reader would fail again at every call.
pub struct LineReader {
    reader: Box<dyn BufRead + Send>,
    line_no: u64,
    pending: VecDeque<(u64, String)>,
    buf: Vec<u8>,
    broken: bool,
}

impl LineReader {
    pub fn new(reader: Box<dyn BufRead + Send>) -> LineReader {
        LineReader {
            reader,
            line_no: 0,
            pending: VecDeque::new(),
            buf: Vec::new(),
            broken: false,
        }
    }

    /// Gives lines back to be read again, in order.
    pub fn unread(&mut self, lines: Vec<(u64, String)>) {
        for l in lines.into_iter().rev() {
            self.pending.push_front(l);
        }
    }

    /// The next line, empty ones included; `None` at the end.
    pub fn next_any(&mut self) -> Option<Result<(u64, String), Reject>> {
        if let Some(line) = self.pending.pop_front() {
            return Some(Ok(line));
        }
        if self.broken {
            return None;
        }
        self.buf.clear();
        let mut too_long = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(_) => {
                    self.broken = true;
                    self.line_no += 1;
                    return Some(Err(Reject {
                        line: self.line_no,
                        reason: RejectReason::Unreadable,
                        redacted: String::new(),
                    }));
                }
            };
            if available.is_empty() {
                if self.buf.is_empty() && !too_long {
                    return None;
                }
                break;
            }
            let (take, done) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (available.len(), false),
            };
            if self.buf.len() < MAX_LINE {
                let room = MAX_LINE - self.buf.len();
                self.buf.extend_from_slice(&available[..take.min(room)]);
                too_long |= take > room;
            } else {
                too_long = true;
            }
            self.reader.consume(take);
            if done {
                break;
            }
        }
        self.line_no += 1;
        if too_long {
            return Some(Err(Reject {
                line: self.line_no,
                reason: RejectReason::TooLong,
                redacted: crate::columns::redact(&decode_line(&self.buf[..self.buf.len().min(64)])),
            }));
        }
        let bytes = self.buf.strip_suffix(b"\n").unwrap_or(&self.buf);
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        Some(Ok((self.line_no, decode_line(bytes).into_owned())))
    }

    /// The next non-empty line and its number.
    pub fn next_line(&mut self) -> Option<Result<(u64, String), Reject>> {
        loop {
            match self.next_any()? {
                Ok((_, text)) if text.trim().is_empty() => continue,
                other => return Some(other),
            }
        }
    }
}

/// One value per line: the fallback for any text, surest when lines hold
/// one token each.
pub fn detect(head: &Head<'_>) -> Guess {
    if head.lines.is_empty() {
        return None;
    }
    let single = head
        .lines
        .iter()
        .filter(|l| !l.trim().contains(char::is_whitespace) || l.len() < 40)
        .count();
    Some((
        if single * 10 >= head.lines.len() * 9 {
            30
        } else {
            5
        },
        Format::Lines,
    ))
}
