-- A phone subscription whose alerts go by mail (the person linked their
-- email address to their number): mail_to is the address sealed with the
-- contact key; mail_to_secret the SHA-256 of the single-use token mailed
-- to it (once the number is confirmed); mail_to_expires_us when the address
-- is forgotten unless confirmed, NULL once its owner followed the link.
-- Alerts go to mail_to only once confirmed, else by SMS to the number.
ALTER TABLE subscriptions ADD COLUMN mail_to BLOB;
ALTER TABLE subscriptions ADD COLUMN mail_to_secret BLOB;
ALTER TABLE subscriptions ADD COLUMN mail_to_expires_us INTEGER;
CREATE UNIQUE INDEX subscriptions_mail_to_secret ON subscriptions (mail_to_secret);
