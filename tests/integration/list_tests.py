"""Prints the unittest ids (module.Class.test_method) of one test file, one per line.

CMake runs it at configure time so that every test method becomes its own ctest test.
"""
import importlib.util
import pathlib
import sys
import unittest


def main(path: str) -> None:
    file = pathlib.Path(path)
    sys.path.insert(0, str(file.parent))
    spec = importlib.util.spec_from_file_location(file.stem, file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    def walk(suite):
        for item in suite:
            if isinstance(item, unittest.TestSuite):
                yield from walk(item)
            else:
                yield item.id()
    for test_id in walk(unittest.defaultTestLoader.loadTestsFromModule(module)):
        print(test_id)


if __name__ == "__main__":
    main(sys.argv[1])
