/*
 * static.c: serves the built dashboard (web/dist) and nothing else. The path (already
 * percent-decoded by libmicrohttpd, so %2e%2e arrives as "..") is refused when it has a ".."
 * or "." segment, a backslash, a control byte or a hidden name; what is left is resolved
 * with realpath and must still lie under the dashboard root (symlinks cannot lead out).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "server/server_int.h"

static const char *mime_type(const char *path)
{
    static const char *const types[][2] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},   {".json", "application/json; charset=utf-8"},
        {".svg", "image/svg+xml"},             {".png", "image/png"},
        {".ico", "image/x-icon"},              {".woff2", "font/woff2"},
        {".map", "application/json; charset=utf-8"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
        if (strcmp(dot, types[i][0]) == 0)
            return types[i][1];
    return "application/octet-stream";
}

static int safe_path(const char *url)
{
    if (url[0] != '/')
        return 0;
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == '\\' || *p == 0x7f)
            return 0;
    /* every segment: not empty-dot, not "..", not hidden */
    for (const char *seg = url + 1; *seg;) {
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if (n > 0 && seg[0] == '.')
            return 0;
        if (!end)
            break;
        seg = end + 1;
    }
    return 1;
}

enum MHD_Result hss_serve_static(hss_req *r)
{
    const char *root = r->srv->web_root;
    if (!root)
        return hss_respond_error(r, 404, "no dashboard is served (start with --web DIR)");
    if (!safe_path(r->url) || strlen(r->url) > 512)
        return hss_respond_error(r, 400, "bad path");
    char joined[PATH_MAX], real[PATH_MAX];
    const char *rel = strcmp(r->url, "/") == 0 ? "/index.html" : r->url;
    snprintf(joined, sizeof joined, "%s%s", root, rel);
    struct stat sb;
    size_t rootlen = strlen(root);
    if (!realpath(joined, real) || strncmp(real, root, rootlen) != 0 || real[rootlen] != '/' ||
        stat(real, &sb) != 0 || !S_ISREG(sb.st_mode))
        return hss_respond_error(r, 404, "not found: %s", r->url);
    FILE *f = fopen(real, "rb");
    if (!f)
        return hss_respond_error(r, 404, "not found: %s", r->url);
    char *data = hss_xmalloc((size_t)sb.st_size + 1);
    size_t n = fread(data, 1, (size_t)sb.st_size, f);
    fclose(f);
    enum MHD_Result ret = hss_respond(r, 200, mime_type(real), data, n, NULL);
    free(data);
    return ret;
}
