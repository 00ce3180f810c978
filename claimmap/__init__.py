"""claimmap: what news sources claim about a conflict, each claim traced to its source's exact words."""
