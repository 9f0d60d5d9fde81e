"""Questions in Telegram: /ask, plain questions, /sources, buttons, /start, /help."""
