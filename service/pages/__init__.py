"""Browser pages, one blueprint per area of work."""
