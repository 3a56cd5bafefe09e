import os

from flask import Flask, jsonify

app = Flask(__name__)
NOTES: list[str] = []


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/notes/<text>")
def add_note(text: str):
    NOTES.append(text)
    return jsonify(count=len(NOTES)), 201


@app.get("/notes")
def list_notes():
    return jsonify(notes=NOTES, instance=os.environ.get("HOSTNAME", "local"))
