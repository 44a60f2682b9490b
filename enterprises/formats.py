"""Spreadsheet formats for imports and exports.

CSV files are read as UTF-8 or, failing that, as GB18030 (what Excel writes on Chinese
Windows), and written as UTF-8 with a byte-order mark so that Excel opens them correctly.
"""

import tablib
from django.utils.translation import gettext as _
from import_export.formats import base_formats

CSV_ENCODINGS = ("utf-8-sig", "gb18030")


class CSV(base_formats.CSV):
    def is_binary(self):
        # Read the upload as bytes, so that the encoding can be recognised here.
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            for encoding in CSV_ENCODINGS:
                try:
                    in_stream = in_stream.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise ValueError(_("The file is neither UTF-8 nor GB18030 text."))
        return tablib.import_set(in_stream, format="csv", **kwargs)

    def export_data(self, dataset, **kwargs):
        return "\ufeff" + super().export_data(dataset, **kwargs)


FORMATS = [CSV, base_formats.XLSX]
