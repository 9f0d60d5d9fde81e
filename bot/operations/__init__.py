"""The owner's view and privacy in Telegram: /whoami, /forget, the retention job."""
