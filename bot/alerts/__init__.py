"""Alerts in Telegram: /subscribe, feed commands, the polling and delivery jobs."""
