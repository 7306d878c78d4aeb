"""The app's screens: the main chat, and the modal paste, explanation and help screens."""
