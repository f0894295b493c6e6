/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark of alert rendering and of the output path.  Figures:
 *   - text and JSON rendering, alerts per second;
 *   - submit-to-delivery through the manager with a kept-alive file
 *     channel on /dev/null, alerts per second, and the caller's cost per
 *     submit;
 * each with its ratio to a baseline measured in the same run: one
 * snprintf() of a line of the same size.  Never fails on timing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "outputs/outputs.h"
#include "util/log.h"
#include "util/sbuf.h"

#define N	200000

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct alert *
sample(void)
{
	struct alert *a;

	a = alert_new(1700000000123456789ULL, ALERT_WARNING,
	    "Read sensitive file untrusted", "syscall");
	alert_set_output(a, "Sensitive file opened for reading by non-trusted "
	    "program | file=/etc/shadow gparent=sshd ggparent=systemd "
	    "evt_type=openat user=root user_uid=0 process=cat "
	    "proc_exepath=/usr/bin/cat parent=bash command=cat /etc/shadow "
	    "terminal=34816 container_id=host container_name=host");
	alert_add_tag(a, "filesystem");
	alert_add_tag(a, "mitre_credential_access");
	alert_add_tag(a, "T1555");
	alert_field_str(a, "fd.name", "/etc/shadow");
	alert_field_str(a, "proc.aname[2]", "sshd");
	alert_field_str(a, "proc.aname[3]", "systemd");
	alert_field_str(a, "evt.type", "openat");
	alert_field_str(a, "user.name", "root");
	alert_field_int(a, "user.uid", 0);
	alert_field_str(a, "proc.name", "cat");
	alert_field_str(a, "proc.exepath", "/usr/bin/cat");
	alert_field_str(a, "proc.pname", "bash");
	alert_field_str(a, "proc.cmdline", "cat /etc/shadow");
	alert_field_int(a, "proc.tty", 34816);
	alert_field_str(a, "container.id", "host");
	alert_field_null(a, "container.name");
	return a;
}

int
main(void)
{
	struct outputs_options o;
	struct outputs_stats st;
	struct alert_format f;
	struct outputs *out;
	struct alert *a = sample();
	struct sbuf sb = SBUF_INIT;
	char buf[1024], *err = NULL;
	double t, base, text, json, e2e, submit;
	size_t len = 0;
	int i;

	log_init("bench_outputs", LOG_ERR, 1, 0);
	alert_format_defaults(&f);
	f.hostname = "bench";
	f.json = 1;
	alert_render(a, &f, &sb);
	len = sb.len;

	t = now();
	for (i = 0; i < N; i++)
		snprintf(buf, sizeof(buf), "%.*s%d", (int)(len > 900 ? 900 :
		    len), sb.buf, i);
	base = N / (now() - t);

	f.json = 0;
	t = now();
	for (i = 0; i < N; i++) {
		sbuf_reset(&sb);
		alert_render(a, &f, &sb);
	}
	text = N / (now() - t);

	f.json = 1;
	t = now();
	for (i = 0; i < N; i++) {
		sbuf_reset(&sb);
		alert_render(a, &f, &sb);
	}
	json = N / (now() - t);

	outputs_options_defaults(&o);
	o.fmt = f;
	o.file_enabled = 1;
	o.file_keep_alive = 1;
	o.buffered = 1;
	o.file_name = "/dev/null";
	if ((out = outputs_new(&o, &err)) == NULL ||
	    outputs_start(out) < 0) {
		fprintf(stderr, "bench_outputs: %s\n", err ? err : "start");
		return 1;
	}
	t = now();
	for (i = 0; i < N; i++)
		outputs_submit(out, a);
	submit = (now() - t) / N * 1e9;
	(void)outputs_drain(out, 60000);
	e2e = N / (now() - t);
	outputs_get_stats(out, &st);
	outputs_free(out);

	printf("alert line: %zu bytes (JSON)\n", len);
	printf("baseline snprintf:   %10.0f lines/s\n", base);
	printf("render text:         %10.0f alerts/s  ratio %.3f\n", text,
	    text / base);
	printf("render json:         %10.0f alerts/s  ratio %.3f\n", json,
	    json / base);
	printf("submit+file channel: %10.0f alerts/s  ratio %.3f "
	    "(caller %.0f ns/alert, %llu dropped)\n", e2e, e2e / base,
	    submit, (unsigned long long)st.queue_drops);
	sbuf_free(&sb);
	alert_free(a);
	return 0;
}
