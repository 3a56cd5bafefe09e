def main():
    print("ingest")
