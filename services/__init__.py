"""Every decision the bot takes, one function per use case, free of Telegram.

A service opens one unit of work, decides through ``coach/``, commits once, and returns a
plain result (``services.outcome``) that ``conversations/`` renders and sends.
"""
