/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Command line of the falco program.  Options are described by one table
 * in cli.c (long name, short name, argument, help, handler); adding an
 * option means adding a row and, if needed, a field here.
 */
#ifndef FALCO_CLI_H
#define FALCO_CLI_H

#include <stddef.h>
#include <stdio.h>

struct cli {
	const char	*config;	/* -c; else the default file when it
					   exists; else NULL: defaults */
	char		**rules;	/* -r, in order */
	size_t		 nrules;
	char		**validate;	/* -V, in order */
	size_t		 nvalidate;
	char		**overrides;	/* -o key=value, in order */
	size_t		 noverrides;
	int		 describe_all;	/* -L */
	const char	*describe;	/* -l RULE */
	int		 list_fields;	/* --list */
	const char	*list_source;	/* --list SOURCE */
	int		 names_only;	/* -N */
	int		 version;	/* --version */
	int		 help;		/* -h */
	int		 dry_run;	/* --dry-run */
	const char	*trace_file;	/* -e (Falco <= 0.37) */
	long		 duration;	/* -M seconds; 0: no limit */
	int		 unbuffered;	/* -U */
	int		 verbose;	/* -v */
	const char	*pidfile;	/* -P */
	int		 support;	/* --support */
	int		 list_events;	/* --list-events */
	int		 print_ignored;	/* -i */
	int		 page_size;	/* --page-size */
	const char	*format;	/* --format text|markdown|json */
	char		**enable_sources; /* --enable-source, in order */
	size_t		 nenable_sources;
	char		**disable_sources; /* --disable-source */
	size_t		 ndisable_sources;

	/* Settings derived from -o (and later falco.yaml). */
	int		 json_output;
	int		 min_priority;
};

/*
 * Parse argv into c (zeroed by the caller).  Returns 0, or -1 after
 * printing a message to stderr (unknown option, bad -o value).
 */
int	cli_parse(struct cli *c, int argc, char **argv);
void	cli_usage(FILE *out);
void	cli_free(struct cli *c);

#endif /* FALCO_CLI_H */
