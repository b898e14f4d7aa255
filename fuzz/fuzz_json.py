"""Fuzz the JSON reader.

Run: ``python fuzz/fuzz_json.py [libFuzzer flags]`` (see fuzz/README.md).
"""

from targets import main

if __name__ == "__main__":
    main("json")
