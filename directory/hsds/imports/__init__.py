"""Import of HSDS 3.0 (and 2.x) JSON and datapackage zips: `read.read_upload` reads a file into
full organizations and the problems found, `apply.import_batch` writes them all or nothing."""
