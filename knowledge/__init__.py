"""The assistant's knowledge as data (YAML, XSD, CSV); shipped in the wheel as ``assistant.knowledge``."""
