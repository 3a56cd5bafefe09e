"""Stock reports from CSV files."""
