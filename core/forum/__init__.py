"""The forum: working groups, meetings and the decisions taken at them."""
