#!/usr/bin/env python3
"""Validates a JSON document against a JSON schema (python3-jsonschema).

Usage: validate_json.py SCHEMA_FILE_OR_DIR DOC.json

SCHEMA_FILE_OR_DIR is a schema file, or a directory of schemas. For a directory
holding a single *.json schema that one is used; otherwise (the OCI image-spec
folder) the schema is chosen from the document: an image manifest, image index,
image config or oci-layout file. $refs between files of the folder are resolved
by file name, whatever base URI the schema's "id"/"$id" claims.

Exit status: 0 valid, 1 invalid (the reason on stderr), 2 usage or I/O error.
"""
import json
import os
import sys
import urllib.parse

import jsonschema
import referencing
import referencing.jsonschema

MANIFEST_TYPES = {"application/vnd.oci.image.manifest.v1+json",
                  "application/vnd.docker.distribution.manifest.v2+json"}
INDEX_TYPES = {"application/vnd.oci.image.index.v1+json",
               "application/vnd.docker.distribution.manifest.list.v2+json"}


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def pick_schema(folder, doc):
    files = sorted(f for f in os.listdir(folder) if f.endswith(".json"))
    if len(files) == 1:
        return os.path.join(folder, files[0])
    media = doc.get("mediaType", "") if isinstance(doc, dict) else ""
    if media in MANIFEST_TYPES or (isinstance(doc, dict) and "layers" in doc):
        name = "image-manifest-schema.json"
    elif media in INDEX_TYPES or (isinstance(doc, dict) and "manifests" in doc):
        name = "image-index-schema.json"
    elif isinstance(doc, dict) and "imageLayoutVersion" in doc:
        name = "image-layout-schema.json"
    elif isinstance(doc, dict) and "rootfs" in doc:
        name = "config-schema.json"
    else:
        raise ValueError("cannot tell which schema in %s applies to the document" % folder)
    return os.path.join(folder, name)


def main(argv):
    if len(argv) != 3:
        print("usage: validate_json.py SCHEMA_FILE_OR_DIR DOC.json", file=sys.stderr)
        return 2
    target, doc_path = argv[1], argv[2]
    try:
        doc = load(doc_path)
        schema_path = pick_schema(target, doc) if os.path.isdir(target) else target
        schema = load(schema_path)
    except (OSError, ValueError) as e:
        print("%s: %s" % (doc_path, e), file=sys.stderr)
        return 2
    folder = os.path.dirname(os.path.abspath(schema_path))

    def retrieve(uri):
        name = os.path.basename(urllib.parse.urlsplit(uri).path)
        if not name.endswith(".json"):
            name += ".json"
        contents = load(os.path.join(folder, name))
        return referencing.Resource.from_contents(
            contents, default_specification=referencing.jsonschema.DRAFT4)

    # The image-spec schemas Debian 12 ships (1.1.0~rc2) name draft-04 as
    # "https://json-schema.org/draft-04/schema#"; jsonschema knows the dialects by their
    # http:// URIs only and would fall back to its newest draft with a warning.
    dialect = schema.get("$schema", "") if isinstance(schema, dict) else ""
    if dialect.startswith("https://json-schema.org/"):
        dialect = "http://" + dialect[len("https://"):]
    cls = jsonschema.validators.validator_for({"$schema": dialect} if dialect else schema)
    validator = cls(schema, registry=referencing.Registry(retrieve=retrieve),
                    format_checker=cls.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        for e in errors[:5]:
            where = "/".join(str(p) for p in e.absolute_path) or "(root)"
            print("%s: invalid against %s at %s: %s" % (
                doc_path, os.path.basename(schema_path), where, e.message), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
