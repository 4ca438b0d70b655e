"""The window: Qt widgets that render the model from core/ (never the reverse)."""
