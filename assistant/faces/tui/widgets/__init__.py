"""Widgets for the app: the conversation, the answer bar, the record and proposal tables."""
