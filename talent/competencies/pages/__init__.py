"""What the competency pages show, built for the views: the forms with their choices,
the rows and figures of a page, its template rendered (views stay thin: permission,
form, one service call, commit, flash, redirect)."""
