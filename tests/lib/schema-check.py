#!/usr/bin/python3
"""schema-check.py SCHEMA FILE...: validates each JSON FILE against SCHEMA
(JSON Schema draft 2020-12, Debian's python3-jsonschema); prints every error
with its path and exits 1 on any."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sys.argv[2:]:
    try:
        doc = json.load(open(path))
    except ValueError as e:
        print(f"{path}: not JSON: {e}")
        bad += 1
        continue
    for err in validator.iter_errors(doc):
        print(f"{path}: {'/'.join(str(p) for p in err.absolute_path) or '(root)'}: {err.message}")
        bad += 1
sys.exit(1 if bad else 0)
