"""Downloads of any public list: the rows a list page or a search shows, all of them, as
CSV, XLSX or JSON Lines, read in keyset batches and streamed (see writing and views)."""
