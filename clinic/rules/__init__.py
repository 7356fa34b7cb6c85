"""Pure clinical logic: vocabulary, screening, frequency. Standard library only."""
