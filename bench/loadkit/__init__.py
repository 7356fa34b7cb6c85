"""Pieces of the load bench (bench/load.py, bench/seed.py); a package, so `make bench` skips them."""
