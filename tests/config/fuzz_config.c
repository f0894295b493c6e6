/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness for the configuration loader: the input is the text
 * of a falco.yaml, loaded with a fixed set of -o overrides (so the
 * override paths run against hostile trees too), then read back through
 * the getters.  config_files is ignored: the fuzzer must not read files.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "config/config.h"
#include "util/log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *opts[] = {
		"json_output=true",
		"http_output.url=http://127.0.0.1:1/",
		"rules_files[]=/x.yaml",
		"append_output[0].match={source: syscall, tags: [a, b]}",
		"a\\.b.c[0][1]=[1, {k: v}]",
	};
	struct config *cfg;
	const char **list;
	char *err = NULL;
	size_t n;

	log_init("fuzz_config", LOG_EMERG, 0, 0);
	cfg = config_new();
	if (config_load_string(cfg, (const char *)data, size, "fuzz.yaml",
	    opts, sizeof(opts) / sizeof(opts[0]), CONFIG_NO_INCLUDES,
	    &err) == 0) {
		(void)config_bool(cfg, "json_output", 0);
		(void)config_int(cfg, "outputs_queue.capacity", 0);
		(void)config_double(cfg, "syscall_event_drops.rate", 0.0);
		(void)config_str(cfg, "engine.kind", "kmod");
		(void)config_duration_ms(cfg, "metrics.interval", 0);
		list = config_rules_files(cfg, &n);
		free(list);
	}
	free(err);
	config_free(cfg);
	return 0;
}
