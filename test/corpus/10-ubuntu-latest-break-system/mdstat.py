import sys


def main():
    print(sum(line.startswith("#") for line in open(sys.argv[-1])))
