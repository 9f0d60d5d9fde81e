"""The domain layer: articles in; answers, alerts and briefings out. Knows nothing of Telegram."""
