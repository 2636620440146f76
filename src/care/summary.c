/*
 * summary.c: the scheduler summary of an enrolment (its last two visits) packed into the
 * care_enrolment.s_visits blob, so that the whole population's next actions are computed from
 * one scan that reads a handful of columns per patient. Explicit little-endian encoding: the
 * file reads the same on any host.
 */
#include "care/care_int.h"

#include <string.h>

static void put32(unsigned char *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void put_visit(unsigned char *b, const hss_care_visit *v)
{
    uint64_t g;
    memcpy(&g, &v->glucose, 8);
    put32(b, (uint32_t)v->day);
    b[4] = (unsigned char)(v->sbp & 0xff);
    b[5] = (unsigned char)((v->sbp >> 8) & 0xff);
    b[6] = (unsigned char)(v->dbp & 0xff);
    b[7] = (unsigned char)((v->dbp >> 8) & 0xff);
    put32(b + 8, (uint32_t)g);
    put32(b + 12, (uint32_t)(g >> 32));
    put32(b + 16, v->symptoms);
    b[20] = (unsigned char)(v->referred ? 1 : 0);
    b[21] = b[22] = b[23] = 0;
}

static void get_visit(const unsigned char *b, hss_care_visit *v)
{
    v->day = (int32_t)get32(b);
    v->sbp = (int16_t)(uint16_t)(b[4] | b[5] << 8);
    v->dbp = (int16_t)(uint16_t)(b[6] | b[7] << 8);
    uint64_t g = (uint64_t)get32(b + 8) | (uint64_t)get32(b + 12) << 32;
    memcpy(&v->glucose, &g, 8);
    v->symptoms = get32(b + 16);
    v->referred = b[20];
}

void care_summary_pack(const hss_care_patient *p, unsigned char out[CARE_SUMMARY_BYTES])
{
    memset(out, 0, CARE_SUMMARY_BYTES);
    if (p->nvisits > 0)
        put_visit(out, &p->last);
    if (p->nvisits > 1)
        put_visit(out + 24, &p->prev);
}

void care_summary_unpack(const void *blob, int len, hss_care_patient *p)
{
    const unsigned char *b = blob;
    if (!b || len < 24 * p->nvisits)
        p->nvisits = 0;
    if (p->nvisits > 0)
        get_visit(b, &p->last);
    if (p->nvisits > 1)
        get_visit(b + 24, &p->prev);
}
