// HTTP fetching over libcurl.
