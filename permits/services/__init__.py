"""Services of the permits app: the only code that writes permit cases, documents and crossings."""
