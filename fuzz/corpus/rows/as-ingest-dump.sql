@-- MySQL dump
/*!40101 SET NAMES utf8 */;
CREATE TABLE `users` (
  `id` int NOT NULL,
  `email` varchar(255),
  `phone` varchar(32),
  `password` varchar(64)
);
INSERT INTO `users` VALUES (1,'jan@example.nl','06-12345678','$2y$10$abc'),(2,'o\'brien@example.be',NULL,'x\\y');
COPY public.klanten (id, gsm, naam) FROM stdin;
1	0612345678	Jan
2	\N	Els
\.
INSERT INTO klanten (id, gsm) VALUES (3, '+32 470 12 34 56');
