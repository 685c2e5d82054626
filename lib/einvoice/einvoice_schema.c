/* SPDX-License-Identifier: MIT */
/* einvoice_schema.c -- the official XSDs, compiled once per run and checked in-process
 * (libxml2 xmlSchema) before an invoice is committed.
 *
 * The XSDs are data files shipped with faktura (share/faktura/einvoice/xsd, see the
 * README.md there for their origin and licences), found at run time like the fonts:
 * <datadir>/einvoice (core/datadir.h: $FAKTURA_DATADIR, else beside the library or
 * program, in the build tree too). Nothing is fetched: the
 * parser runs with XML_PARSE_NONET, and KSeF's one import by absolute URL (the Ministry's
 * base types) is pointed at the shipped copy before the schema is compiled.
 *
 * A compiled schema is read-only while documents are validated, so the render threads
 * share one; each validation makes its own validation context.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <pthread.h>
#include "core/datadir.h"
#include "core/util.h"
#include "einvoice/einvoice_impl.h"

#define KSEF_BASE "http://crd.gov.pl/xml/schematy/dziedzinowe/mf/2022/01/05/eD/DefinicjeTypy/"

static char data_dir[4096];

static void set_data_dir(void)
{
    snprintf(data_dir, sizeof(data_dir), "%s/einvoice", fk_datadir());
}

struct fk_einv_schemas {
    xmlSchemaPtr xsd[FK_XSD_COUNT];
};

static const char *const xsd_files[FK_XSD_COUNT] = {
    "xsd/ubl21/maindoc/UBL-Invoice-2.1.xsd",
    "xsd/cii-d16b/CII/uncefact/data/standard/CrossIndustryInvoice_100pD16B.xsd",
    "xsd/facturx-en16931/Factur-X_EN16931.xsd",
    "xsd/ksef/schemat_FA(3)_v1-0E.xsd",
    "xsd/ubl21/maindoc/UBL-CreditNote-2.1.xsd",
};

const char *fk_einv_data_dir(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, set_data_dir);
    return data_dir;
}

/* The first message of a failed compile or validation. */
typedef struct first_error {
    char msg[400];
    int line;
    bool set;
} first_error;

static void on_error(void *payload, xmlErrorPtr e)
{
    first_error *f = payload;
    if (f->set || !e || e->level < XML_ERR_ERROR)
        return;
    f->set = true;
    f->line = e->line;
    snprintf(f->msg, sizeof(f->msg), "%s", e->message ? e->message : "schema error");
    size_t n = strlen(f->msg);
    while (n && (f->msg[n - 1] == '\n' || f->msg[n - 1] == ' '))
        f->msg[--n] = '\0';
}

/* KSeF's FA(3) imports the base types by absolute URL: point it at the shipped copy. */
static void ksef_local_import(xmlDocPtr doc, const char *dir)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, BAD_CAST "import") != 0)
            continue;
        xmlChar *loc = xmlGetProp(n, BAD_CAST "schemaLocation");
        if (loc && !strncmp((const char *)loc, KSEF_BASE, strlen(KSEF_BASE))) {
            char path[4608];
            snprintf(path, sizeof(path), "%s/xsd/ksef/bazowe/%s", dir,
                     (const char *)loc + strlen(KSEF_BASE));
            xmlSetProp(n, BAD_CAST "schemaLocation", BAD_CAST path);
        }
        xmlFree(loc);
    }
}

static fk_status compile(fk_einv_schemas *s, fk_einv_schema which, fk_error *err)
{
    const char *dir = fk_einv_data_dir();
    char path[4608];
    first_error fe = {"", 0, false};
    xmlSchemaParserCtxtPtr pc = NULL;
    xmlDocPtr doc;

    snprintf(path, sizeof(path), "%s/%s", dir, xsd_files[which]);
    doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        return fk_error_set(err, FK_EENV, path, 0, NULL,
                            "the e-invoice schema %s cannot be read: is faktura installed "
                            "completely (its data files), or FAKTURA_DATADIR set right?",
                            path);
    if (which == FK_XSD_KSEF)
        ksef_local_import(doc, dir);
    pc = xmlSchemaNewDocParserCtxt(doc);
    if (pc) {
        xmlSchemaSetParserStructuredErrors(pc, on_error, &fe);
        s->xsd[which] = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
    }
    xmlFreeDoc(doc);
    if (!s->xsd[which])
        return fk_error_set(err, FK_EENV, path, (unsigned long)fe.line, NULL,
                            "the e-invoice schema %s does not compile: %s", path,
                            fe.set ? fe.msg : "out of memory");
    return FK_OK;
}

fk_einv_schemas *fk_einv_schemas_new(void)
{
    return fk_xcalloc(1, sizeof(fk_einv_schemas));
}

fk_status fk_einv_schemas_need(fk_einv_schemas *s, unsigned mask, fk_error *err)
{
    for (int f = 0; f < FK_EINV_COUNT; f++) {
        fk_einv_schema x;
        fk_status st;
        if (!(mask & (1u << f)))
            continue;
        x = fk_einv_profile_of((fk_einv_format)f)->schema;
        if (!s->xsd[x] && (st = compile(s, x, err)) != FK_OK)
            return st;
        if (x == FK_XSD_UBL && (mask & FK_EINV_CREDIT_NOTES) && !s->xsd[FK_XSD_UBL_CREDIT] &&
            (st = compile(s, FK_XSD_UBL_CREDIT, err)) != FK_OK)
            return st;
    }
    return FK_OK;
}

void fk_einv_schemas_free(fk_einv_schemas *s)
{
    if (!s)
        return;
    for (int x = 0; x < FK_XSD_COUNT; x++)
        if (s->xsd[x])
            xmlSchemaFree(s->xsd[x]);
    free(s);
}

/* Is a UBL document's root element CreditNote (after the XML declaration the writer puts
 * first)? It picks the XSD only, without a tree (the check below streams): a document that
 * is not recognised is checked against the Invoice schema, whose root must be Invoice, so
 * a wrong answer fails the check and never lets a document through. */
static bool ubl_credit_note(const char *xml, size_t len)
{
    static const char root[] = "<CreditNote";
    const char *p = xml, *end = xml + len;

    if (len >= 5 && !memcmp(p, "<?xml", 5)) {
        while (p + 1 < end && !(p[0] == '?' && p[1] == '>'))
            p++;
        if (p + 1 >= end)
            return false;
        p += 2;
    }
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    return end - p > (ptrdiff_t)sizeof(root) - 1 && !memcmp(p, root, sizeof(root) - 1) &&
           p[sizeof(root) - 1] && strchr(" \t\r\n>/", p[sizeof(root) - 1]);
}

/* The bytes themselves are parsed and validated as they are parsed (libxml2's streaming
 * validation), not parsed into a tree first: the tree cost more than the validation (about
 * 40 % fewer instructions per invoice). The bytes checked are the bytes that are written
 * and embedded: nothing is validated but what the caller passes. */
fk_status fk_einv_validate(const fk_einv_schemas *s, const fk_einv_profile *p,
                           const char *xml, size_t len, fk_einv_problem *why, fk_error *err)
{
    xmlSchemaPtr xsd = s ? s->xsd[p->schema] : NULL;
    first_error fe = {"", 0, false};
    xmlSchemaValidCtxtPtr vc;
    xmlParserInputBufferPtr in;
    int rc;

    *why = FK_EINV_OK;
    if (!xsd)
        return fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL, "the %s schema was not loaded",
                            p->name);
    if (len > (size_t)INT32_MAX)
        return fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL, "e-invoice too large");
    if (p->schema == FK_XSD_UBL && ubl_credit_note(xml, len) &&
        !(xsd = s->xsd[FK_XSD_UBL_CREDIT]))
        return fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL,
                            "the %s credit note schema was not loaded", p->name);
    vc = xmlSchemaNewValidCtxt(xsd);
    /* a copy: libxml2 2.9's static input buffers read their memory twice when they grow */
    in = vc ? xmlParserInputBufferCreateMem(xml, (int)len, XML_CHAR_ENCODING_UTF8) : NULL;
    if (!in) {
        if (vc)
            xmlSchemaFreeValidCtxt(vc);
        return fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL, "out of memory");
    }
    xmlSchemaSetValidStructuredErrors(vc, on_error, &fe);
    /* No SAX handler of ours: the parser's events go to the validator alone (no tree), and
     * its errors to no callback (silent). Takes `in` (freed with its parser). */
    rc = xmlSchemaValidateStream(vc, in, XML_CHAR_ENCODING_UTF8, NULL, NULL);
    xmlSchemaFreeValidCtxt(vc);
    if (rc == 0)
        return FK_OK;
    /* rc < 0: the parser stopped (not well-formed, or out of memory: xmlReadMemory did not
     * tell them apart either), whatever the validator said about the part before; rc > 0:
     * invalid, or not well-formed when the validator said nothing */
    *why = FK_EINV_INVALID;
    if (rc < 0 || !fe.set)
        return fk_error_set(err, FK_EINPUT, NULL, 0, "einvoice",
                            "the %s XML is not well-formed", p->title);
    return fk_error_set(err, FK_EINPUT, NULL, 0, "einvoice",
                        "the %s XML fails its schema (line %d): %s", p->title, fe.line, fe.msg);
}
