"""反诈案例库 · Anti-Scam Casebook: the data model, checker and site generator."""

# Set by `fanzha build`, which generates the pages once for both languages, so that the MkDocs hook does not
# generate them again. Here, not in site.py: the hook reads it without importing the generator.
ALREADY_GENERATED = "FANZHA_PAGES_GENERATED"
# Set by `fanzha build` to the folder where the hook writes each built page's copy for Pagefind
# (fanzha/search.py, search_copy): the pages are not read back after the build.
SEARCH_COPIES = "FANZHA_SEARCH_COPIES"
# Set by `fanzha build` with SEARCH_COPIES: how many shards the case pages' copies go to (search.shard_of).
SEARCH_SHARDS = "FANZHA_SEARCH_SHARDS"
