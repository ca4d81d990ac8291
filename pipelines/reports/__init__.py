"""The partnership report: disclosure-controlled HTML and workbook for strategy leads."""
