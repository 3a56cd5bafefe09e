import rapidfuzz

print(rapidfuzz.__version__)
