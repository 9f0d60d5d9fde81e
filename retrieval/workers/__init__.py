"""What several bot workers on one database share: the updates seen and Telegram's send limits."""
