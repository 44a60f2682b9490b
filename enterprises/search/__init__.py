"""Full-text search in Chinese, English and pinyin, on SQLite (FTS5) and PostgreSQL."""
