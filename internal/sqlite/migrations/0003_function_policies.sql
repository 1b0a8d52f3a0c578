-- Lambda resource-based policies (AddPermission), per function and
-- qualifier ('' for the unqualified function).
CREATE TABLE function_policies (
	function_name TEXT NOT NULL,
	qualifier     TEXT NOT NULL DEFAULT '',
	document      TEXT NOT NULL,
	revision_id   TEXT NOT NULL,
	PRIMARY KEY (function_name, qualifier)
);
