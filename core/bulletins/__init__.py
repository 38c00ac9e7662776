"""Bulletins: an area's air over a day or a week, told from the indicators in Thai and English,
reviewed and published by the backbone unit."""
