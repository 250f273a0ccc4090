"""Prints YAML files (GitHub workflows) as one JSON object: {path: document}, for the workflow structure test.

usage: python3 yaml_to_json.py FILE...

YAML 1.1 (PyYAML) reads the bare key `on` as the boolean true; GitHub reads it as the string "on", so this does too.
"""
import json
import sys

import yaml


def fix_keys(node):
    if isinstance(node, dict):
        return {("on" if key is True else str(key)): fix_keys(value) for key, value in node.items()}
    if isinstance(node, list):
        return [fix_keys(item) for item in node]
    return node


def main():
    documents = {}
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as stream:
            documents[path] = fix_keys(yaml.safe_load(stream))
    print(json.dumps(documents))


if __name__ == "__main__":
    main()
