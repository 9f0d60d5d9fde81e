"""The Telegram front end: thin handlers over retrieval. Nothing in retrieval imports it."""
