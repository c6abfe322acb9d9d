"""Formats Django's own displays use (admin lists, view pages), as Border Desk's pages write dates."""
