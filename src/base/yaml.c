/*
 * yaml.c: loads a YAML document into an hss_yaml tree with line numbers, using libyaml's
 * event parser. Kept generic: the rule-file formats (policy packs, indicators ...) interpret
 * the tree themselves and report errors with the node's line.
 */
#include "base/base.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct {
    yaml_parser_t parser;
    const char *name;
    hss_error *err;
} loader;

static hss_yaml *node_new(hss_yaml_type type, size_t line)
{
    hss_yaml *y = hss_xcalloc(1, sizeof *y);
    y->type = type;
    y->line = line;
    return y;
}

static void node_add(hss_yaml *parent, char *key, hss_yaml *child)
{
    parent->items = hss_xrealloc(parent->items, (parent->n + 1) * sizeof *parent->items);
    if (parent->type == HSS_YAML_MAP)
        parent->keys = hss_xrealloc(parent->keys, (parent->n + 1) * sizeof *parent->keys);
    parent->items[parent->n] = child;
    if (parent->type == HSS_YAML_MAP)
        parent->keys[parent->n] = key;
    parent->n++;
}

void hss_yaml_free(hss_yaml *y)
{
    if (!y)
        return;
    for (size_t i = 0; i < y->n; i++) {
        hss_yaml_free(y->items[i]);
        if (y->keys)
            free(y->keys[i]);
    }
    free(y->items);
    free(y->keys);
    free(y->scalar);
    free(y);
}

static int next_event(loader *L, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&L->parser, ev)) {
        hss_fail(L->err, HSS_EINVAL, "%s:%zu: YAML syntax error: %s", L->name,
                 L->parser.problem_mark.line + 1, L->parser.problem ? L->parser.problem : "?");
        return -1;
    }
    return 0;
}

static hss_yaml *parse_node(loader *L, yaml_event_t *ev, int depth);

/* Parses the children of a sequence or mapping until its end event. */
static hss_yaml *parse_collection(loader *L, hss_yaml *y, yaml_event_type_t end, int depth)
{
    for (;;) {
        yaml_event_t ev;
        if (next_event(L, &ev))
            goto fail;
        if (ev.type == end) {
            yaml_event_delete(&ev);
            return y;
        }
        char *key = NULL;
        if (y->type == HSS_YAML_MAP) {
            if (ev.type != YAML_SCALAR_EVENT) {
                hss_fail(L->err, HSS_EINVAL, "%s:%zu: mapping keys must be plain text", L->name,
                         ev.start_mark.line + 1);
                yaml_event_delete(&ev);
                goto fail;
            }
            key = hss_xstrndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
            for (size_t i = 0; i < y->n; i++) {
                if (strcmp(y->keys[i], key) == 0) {
                    hss_fail(L->err, HSS_EINVAL, "%s:%zu: key '%s' appears twice", L->name,
                             ev.start_mark.line + 1, key);
                    free(key);
                    yaml_event_delete(&ev);
                    goto fail;
                }
            }
            yaml_event_delete(&ev);
            if (next_event(L, &ev)) {
                free(key);
                goto fail;
            }
        }
        hss_yaml *child = parse_node(L, &ev, depth + 1);
        if (!child) {
            free(key);
            goto fail;
        }
        node_add(y, key, child);
    }
fail:
    hss_yaml_free(y);
    return NULL;
}

/* Takes ownership of *ev. */
static hss_yaml *parse_node(loader *L, yaml_event_t *ev, int depth)
{
    size_t line = ev->start_mark.line + 1;
    if (depth > 64) {
        hss_fail(L->err, HSS_EINVAL, "%s:%zu: nested too deeply", L->name, line);
        yaml_event_delete(ev);
        return NULL;
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        hss_yaml *y = node_new(HSS_YAML_SCALAR, line);
        y->scalar = hss_xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
        yaml_event_delete(ev);
        return y;
    }
    case YAML_SEQUENCE_START_EVENT:
        yaml_event_delete(ev);
        return parse_collection(L, node_new(HSS_YAML_SEQ, line), YAML_SEQUENCE_END_EVENT, depth);
    case YAML_MAPPING_START_EVENT:
        yaml_event_delete(ev);
        return parse_collection(L, node_new(HSS_YAML_MAP, line), YAML_MAPPING_END_EVENT, depth);
    case YAML_ALIAS_EVENT:
        hss_fail(L->err, HSS_EINVAL, "%s:%zu: YAML aliases are not allowed in rule files", L->name, line);
        yaml_event_delete(ev);
        return NULL;
    default:
        hss_fail(L->err, HSS_EINVAL, "%s:%zu: unexpected YAML structure", L->name, line);
        yaml_event_delete(ev);
        return NULL;
    }
}

hss_yaml *hss_yaml_load(const char *name, const char *text, hss_error *err)
{
    char *owned = NULL;
    size_t len;
    if (!text) {
        owned = hss_read_file(name, &len, err);
        if (!owned)
            return NULL;
        text = owned;
    } else {
        len = strlen(text);
    }
    if (!hss_utf8_valid(text, len)) {
        hss_fail(err, HSS_EINVAL, "%s: bad encoding (not UTF-8 text)", name);
        free(owned);
        return NULL;
    }
    loader L = {.name = name, .err = err};
    yaml_parser_initialize(&L.parser);
    yaml_parser_set_input_string(&L.parser, (const unsigned char *)text, len);
    hss_yaml *root = NULL;
    yaml_event_t ev;
    /* Skip stream-start and document-start; an empty stream is an error. */
    for (;;) {
        if (next_event(&L, &ev))
            goto done;
        if (ev.type == YAML_STREAM_START_EVENT || ev.type == YAML_DOCUMENT_START_EVENT) {
            yaml_event_delete(&ev);
            continue;
        }
        if (ev.type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            hss_fail(err, HSS_EINVAL, "%s: empty YAML document", name);
            goto done;
        }
        break;
    }
    root = parse_node(&L, &ev, 0);
done:
    yaml_parser_delete(&L.parser);
    free(owned);
    return root;
}

const hss_yaml *hss_yaml_get(const hss_yaml *y, const char *key)
{
    if (!y || y->type != HSS_YAML_MAP)
        return NULL;
    for (size_t i = 0; i < y->n; i++)
        if (strcmp(y->keys[i], key) == 0)
            return y->items[i];
    return NULL;
}

const char *hss_yaml_str(const hss_yaml *y, const char *key)
{
    const hss_yaml *v = hss_yaml_get(y, key);
    return v && v->type == HSS_YAML_SCALAR ? v->scalar : NULL;
}
