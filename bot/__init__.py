"""The Telegram front end: thin handlers over the retrieval layer's assistant."""
