/* SPDX-License-Identifier: MIT */
/* render_facturx.c -- what makes an invoice PDF a Factur-X / ZUGFeRD 2.x document
 * (render.h, fk_renderer_render_facturx): the checks of the caller's fk_facturx, the
 * dates, the XMP packet, the sRGB ICC profile of the OutputIntent, and the ToUnicode CMap
 * for libharu's CID fonts. The PDF objects themselves are made in render_libharu.c
 * (fk_render__add_pdfa3), the only file that uses libharu's object API; this file uses its
 * public API only.
 *
 * Why the pieces are as they are (docs/einvoice.md has the whole structure):
 *  - Dates: the document's dates come from the invoice, never from the clock, so the same
 *    invoice gives the same bytes; all are UTC ("+00'00'" in PDF, "+00:00" in XMP, equal
 *    in both places as ISO 19005 wants).
 *  - XMP: pdfaid (part 3, conformance B), dc:title = Info /Title (the invoice number),
 *    xmp:CreatorTool = /Creator, pdf:Producer = /Producer, xmp:CreateDate/ModifyDate =
 *    /CreationDate and /ModDate, the fx: properties, and the PDF/A extension schema that
 *    declares them (a PDF/A validator rejects undeclared properties). The extension schema
 *    is the one of the Factur-X 1.0 specification (../shared/einvoice/facturx/xmp/
 *    Factur-X_extension_schema.xmp), word for word.
 *  - ICC profile: read once per renderer, checked to be an RGB monitor or output profile
 *    of ICC version 2 to 4 (ISO 19005-3 6.2.3), deflated once, kept.
 */
#include <stdlib.h>
#include <string.h>
#include "render/render_hpdf.h"

#define FX_NS "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
#define ICC_NAME "sRGB IEC61966-2.1"

/* ---- The ICC profile ---------------------------------------------------------------------- */

/* Where the OutputIntent's sRGB profile is: Debian's icc-profiles-free (scripts/
 * install-deps). The one place that knows the path: when faktura gets its own data
 * directory (FAKTURA_DATADIR/share/faktura, issue 21), the lookup changes here only. */
static const char *icc_profile_path(void)
{
    return "/usr/share/color/icc/sRGB.icc";
}

/* An ICC profile a PDF/A OutputIntent can carry (ISO 19005-3 6.2.3): device class monitor
 * or output, colour space RGB (N 3), major version 2 to 4, and the "acsp" signature. */
static bool icc_ok(const unsigned char *p, size_t n)
{
    return n >= 132 && ((size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3]) == n &&
           p[8] >= 2 && p[8] <= 4 && (!memcmp(p + 12, "mntr", 4) || !memcmp(p + 12, "prtr", 4)) &&
           !memcmp(p + 16, "RGB ", 4) && !memcmp(p + 36, "acsp", 4);
}

fk_status fk_renderer_prepare_facturx(fk_renderer *r, fk_error *err)
{
    const char *path = icc_profile_path();
    fk_buf icc = FK_BUF_INIT;
    fk_status st;
    size_t zlen;

    if (!r)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, NULL,
                            "fk_renderer_prepare_facturx: a renderer is required");
    if (r->icc_z)
        return FK_OK;
    st = fk_render__read_file(path, "sRGB ICC profile (Debian package icc-profiles-free)", &icc,
                               err);
    if (st == FK_OK && !icc_ok((const unsigned char *)icc.ptr, icc.len))
        st = fk_error_set(err, FK_EENV, path, 0, NULL,
                          "the ICC profile %s is not an RGB display or output profile of "
                          "ICC version 2 to 4, as PDF/A needs",
                          path);
    if (st == FK_OK && (zlen = fk_render__deflate(&r->z, icc.ptr, icc.len)) == 0)
        st = fk_error_set(err, FK_EINTERNAL, path, 0, NULL,
                          "cannot compress the ICC profile %s", path);
    if (st == FK_OK) {
        r->icc_z = fk_xmalloc(zlen);
        memcpy(r->icc_z, r->z.z, zlen);
        r->icc_z_len = zlen;
    }
    fk_buf_free(&icc);
    return st;
}

void fk_render__facturx_free(fk_renderer *r)
{
    free(r->icc_z);
    free(r->cmap_z);
    fk_buf_free(&r->xmp);
    r->icc_z = r->cmap_z = NULL;
    r->icc_z_len = r->cmap_z_len = 0;
}

/* ---- ToUnicode for the CID fonts ------------------------------------------------------------ */

/* libharu's UTF-8 fonts show text with 2-byte codes equal to the characters (UTF-16, BMP
 * only: fk_render__clean() turns the rest into '?') through glyph ids = codes. So the one
 * correct ToUnicode map is the identity on the BMP: one bfrange per high byte (a range may
 * not cross one), surrogates left out. Built and deflated once per renderer. */
static bool identity_cmap(fk_renderer *r)
{
    fk_buf *t = &r->z.raw;
    int in_block = 0, left = 256 - 8;
    size_t zlen;

    if (r->cmap_z)
        return true;
    fk_buf_reset(t);
    fk_buf_puts(t, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                   "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                   "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                   "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    for (unsigned hi = 0; hi < 256; hi++) {
        if (hi >= 0xD8 && hi <= 0xDF)
            continue;
        if (in_block == 0)
            fk_buf_printf(t, "%d beginbfrange\n", left > 100 ? 100 : left);
        fk_buf_printf(t, "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
        left--;
        if (++in_block == 100 || left == 0) {
            fk_buf_puts(t, "endbfrange\n");
            in_block = 0;
        }
    }
    fk_buf_puts(t, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    if (t->failed || (zlen = fk_render__deflate(&r->z, t->ptr, t->len)) == 0)
        return false;
    r->cmap_z = fk_xmalloc(zlen);
    memcpy(r->cmap_z, r->z.z, zlen);
    r->cmap_z_len = zlen;
    return true;
}

/* ---- Checks --------------------------------------------------------------------------------- */

typedef struct fx_date {
    int y, mo, d, h, mi, s;
} fx_date;

static bool digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS", a real date and time (UTC). */
static bool parse_date(const char *s, fx_date *t)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t n = s ? strlen(s) : 0;

    memset(t, 0, sizeof(*t));
    if ((n != 10 && n != 19) || !digits(s, 4, &t->y) || s[4] != '-' ||
        !digits(s + 5, 2, &t->mo) || s[7] != '-' || !digits(s + 8, 2, &t->d))
        return false;
    if (n == 19 && (s[10] != 'T' || !digits(s + 11, 2, &t->h) || s[13] != ':' ||
                    !digits(s + 14, 2, &t->mi) || s[16] != ':' || !digits(s + 17, 2, &t->s)))
        return false;
    if (t->y < 1000 || t->mo < 1 || t->mo > 12 || t->d < 1 || t->d > mdays[t->mo - 1] ||
        t->h > 23 || t->mi > 59 || t->s > 59)
        return false;
    return !(t->mo == 2 && t->d == 29 && (t->y % 4 != 0 || (t->y % 100 == 0 && t->y % 400 != 0)));
}

/* A value that goes into the XMP and a PDF name or string unescaped: printable ASCII
 * without XML's special characters, 1 to 64 bytes; `file` narrows it to a file name. */
static bool plain_ascii(const char *s, bool file)
{
    size_t n = strlen(s);

    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (file ? !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                     (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-')
                 : (ch < 0x20 || ch > 0x7E || ch == '<' || ch == '>' || ch == '&' ||
                    ch == '"' || ch == '\''))
            return false;
    }
    return !file || (strcmp(s, ".") && strcmp(s, ".."));
}

/* A MIME type as ISO 19005-3 6.8 wants it: type/subtype of letters, digits and -+._ */
static bool mime_ok(const char *s)
{
    const char *slash = strchr(s, '/');

    if (!slash || slash == s || !slash[1] || strchr(slash + 1, '/') || strlen(s) > 64)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr("-+._/", *s)))
            return false;
    return true;
}

#define DEF(v, d) ((v) ? (v) : (d))

static fk_status bad_field(fk_error *err, const char *field, const char *value, const char *why)
{
    return fk_error_set(err, FK_EUSAGE, NULL, 0, field, "fk_facturx.%s \"%.80s\": %s", field,
                        fk_render__str(value), why);
}

fk_status fk_render__facturx_check(fk_renderer *r, const fk_invoice *inv, const fk_facturx *fx,
                                   fk_error *err)
{
    const char *rel = DEF(fx->relationship, "Alternative");
    fx_date t;

    if (!fx->xml || fx->xml_len == 0)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, "xml", "fk_facturx.xml: no document");
    if (fx->xml_len > FK_FACTURX_MAX_XML)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, "xml",
                            "fk_facturx.xml: %zu bytes, more than the %u allowed", fx->xml_len,
                            FK_FACTURX_MAX_XML);
    if (!plain_ascii(DEF(fx->file_name, "factur-x.xml"), true))
        return bad_field(err, "file_name", fx->file_name,
                         "not a file name of letters, digits, '.', '_' and '-'");
    if (!plain_ascii(DEF(fx->document_type, "INVOICE"), false))
        return bad_field(err, "document_type", fx->document_type, "not plain ASCII text");
    if (!plain_ascii(DEF(fx->conformance, "EN 16931"), false))
        return bad_field(err, "conformance", fx->conformance, "not plain ASCII text");
    if (!plain_ascii(DEF(fx->version, "1.0"), false))
        return bad_field(err, "version", fx->version, "not plain ASCII text");
    if (strcmp(rel, "Alternative") && strcmp(rel, "Data") && strcmp(rel, "Source"))
        return bad_field(err, "relationship", rel, "not Alternative, Data or Source");
    if (!mime_ok(DEF(fx->mime, "text/xml")))
        return bad_field(err, "mime", fx->mime, "not a MIME type");
    if (fx->description && strlen(fx->description) > 1024)
        return bad_field(err, "description", fx->description, "longer than 1024 bytes");
    if (fx->date && !parse_date(fx->date, &t))
        return bad_field(err, "date", fx->date, "not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS");
    if (!fx->date && !parse_date(inv->issue_date, &t))
        return fk_error_set(err, FK_EINTERNAL, NULL, 0, "issue_date",
                            "invoice %s: the issue date \"%.40s\" is not a date, and a "
                            "Factur-X PDF is dated by it",
                            fk_render__str(inv->number), fk_render__str(inv->issue_date));
    return fk_renderer_prepare_facturx(r, err);
}

/* ---- The document --------------------------------------------------------------------------- */

static char *put_digits(char *p, int v, int n)
{
    for (int i = n - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
    return p + n;
}

/* "D:YYYYMMDDHHmmSS+00'00'" and "YYYY-MM-DDTHH:mm:SS+00:00" (each buffer 32 bytes). */
static void format_dates(const fx_date *t, char *pdf, char *xmp)
{
    char *p = pdf, *x = xmp;

    *p++ = 'D';
    *p++ = ':';
    p = put_digits(p, t->y, 4);
    p = put_digits(p, t->mo, 2);
    p = put_digits(p, t->d, 2);
    p = put_digits(p, t->h, 2);
    p = put_digits(p, t->mi, 2);
    p = put_digits(p, t->s, 2);
    memcpy(p, "+00'00'", 8);
    x = put_digits(x, t->y, 4);
    *x++ = '-';
    x = put_digits(x, t->mo, 2);
    *x++ = '-';
    x = put_digits(x, t->d, 2);
    *x++ = 'T';
    x = put_digits(x, t->h, 2);
    *x++ = ':';
    x = put_digits(x, t->mi, 2);
    *x++ = ':';
    x = put_digits(x, t->s, 2);
    memcpy(x, "+00:00", 7);
}

/* Text into XML element content. The text went through fk_render__clean(): valid UTF-8, no
 * control characters, so escaping the three special characters is all it needs. */
static void xml_text(fk_buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '&')
            fk_buf_puts(b, "&amp;");
        else if (*s == '<')
            fk_buf_puts(b, "&lt;");
        else if (*s == '>')
            fk_buf_puts(b, "&gt;");
        else
            fk_buf_putc(b, *s);
    }
}

#define XMP_PROPERTY(name, desc)                                                           \
    "       <rdf:li rdf:parseType=\"Resource\">\n"                                            \
    "        <pdfaProperty:name>" name "</pdfaProperty:name>\n"                                 \
    "        <pdfaProperty:valueType>Text</pdfaProperty:valueType>\n"                           \
    "        <pdfaProperty:category>external</pdfaProperty:category>\n"                         \
    "        <pdfaProperty:description>" desc "</pdfaProperty:description>\n"                   \
    "       </rdf:li>\n"

/* The PDF/A extension schema that declares the fx: properties, as the Factur-X 1.0
 * specification gives it (../shared/einvoice/facturx/xmp/Factur-X_extension_schema.xmp). */
static const char XMP_FX_SCHEMA[] =
    "  <rdf:Description rdf:about=\"\"\n"
    "    xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\"\n"
    "    xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\"\n"
    "    xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n"
    "   <pdfaExtension:schemas>\n"
    "    <rdf:Bag>\n"
    "     <rdf:li rdf:parseType=\"Resource\">\n"
    "      <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>\n"
    "      <pdfaSchema:namespaceURI>" FX_NS "</pdfaSchema:namespaceURI>\n"
    "      <pdfaSchema:prefix>fx</pdfaSchema:prefix>\n"
    "      <pdfaSchema:property>\n"
    "       <rdf:Seq>\n"
    XMP_PROPERTY("DocumentFileName", "name of the embedded XML invoice file")
    XMP_PROPERTY("DocumentType", "INVOICE")
    XMP_PROPERTY("Version", "The actual version of the Factur-X XML schema")
    XMP_PROPERTY("ConformanceLevel", "The conformance level of the embedded Factur-X data")
    "       </rdf:Seq>\n"
    "      </pdfaSchema:property>\n"
    "     </rdf:li>\n"
    "    </rdf:Bag>\n"
    "   </pdfaExtension:schemas>\n"
    "  </rdf:Description>\n"
    " </rdf:RDF>\n"
    "</x:xmpmeta>\n"
    "<?xpacket end=\"w\"?>";

/* The XMP packet (UTF-8, no "bytes" or "encoding" attribute: ISO 19005-3 6.6.2.1). Built
 * with plain appends (no printf): it is made for every invoice. The fx: values passed
 * plain_ascii() and need no escaping. */
static void build_xmp(fk_buf *b, const fk_facturx *fx, const char *title, const char *creator,
                      const char *producer, const char *date)
{
    fk_buf_reset(b);
    fk_buf_puts(b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                   "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                   " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                   "  <rdf:Description rdf:about=\"\" "
                   "xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
                   "   <pdfaid:part>3</pdfaid:part>\n"
                   "   <pdfaid:conformance>B</pdfaid:conformance>\n"
                   "  </rdf:Description>\n"
                   "  <rdf:Description rdf:about=\"\" "
                   "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
                   "   <dc:format>application/pdf</dc:format>\n"
                   "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
    xml_text(b, title);
    fk_buf_puts(b, "</rdf:li></rdf:Alt></dc:title>\n"
                   "  </rdf:Description>\n"
                   "  <rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n"
                   "   <xmp:CreatorTool>");
    xml_text(b, creator);
    fk_buf_puts(b, "</xmp:CreatorTool>\n   <xmp:CreateDate>");
    fk_buf_puts(b, date);
    fk_buf_puts(b, "</xmp:CreateDate>\n   <xmp:ModifyDate>");
    fk_buf_puts(b, date);
    fk_buf_puts(b, "</xmp:ModifyDate>\n"
                   "  </rdf:Description>\n"
                   "  <rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
                   "   <pdf:Producer>");
    xml_text(b, producer);
    fk_buf_puts(b, "</pdf:Producer>\n"
                   "  </rdf:Description>\n"
                   "  <rdf:Description rdf:about=\"\" xmlns:fx=\"" FX_NS "\">\n"
                   "   <fx:DocumentType>");
    fk_buf_puts(b, DEF(fx->document_type, "INVOICE"));
    fk_buf_puts(b, "</fx:DocumentType>\n   <fx:DocumentFileName>");
    fk_buf_puts(b, DEF(fx->file_name, "factur-x.xml"));
    fk_buf_puts(b, "</fx:DocumentFileName>\n   <fx:Version>");
    fk_buf_puts(b, DEF(fx->version, "1.0"));
    fk_buf_puts(b, "</fx:Version>\n   <fx:ConformanceLevel>");
    fk_buf_puts(b, DEF(fx->conformance, "EN 16931"));
    fk_buf_puts(b, "</fx:ConformanceLevel>\n  </rdf:Description>\n");
    fk_buf_append(b, XMP_FX_SCHEMA, sizeof(XMP_FX_SCHEMA) - 1);
}

void fk_render__facturx_finish(fk_render__doc *c)
{
    const fk_facturx *fx = c->fx;
    fk_renderer *r = c->r;
    const fk_invoice *inv = c->lay.inv;
    fk_render__pdfa3 a;
    fx_date t;
    HPDF_Date hd;
    char pdf_date[32], xmp_date[32];
    fk_buf title = FK_BUF_INIT, desc = FK_BUF_INIT;
    const char *creator, *producer;

    if (!parse_date(fx->date ? fx->date : inv->issue_date, &t)) { /* checked before */
        c->e->error = HPDF_INVALID_DATE_TIME;
        return;
    }
    /* Info dates through libharu, which writes D:YYYYMMDDHHmmSS+00'00' */
    memset(&hd, 0, sizeof(hd));
    hd.year = t.y;
    hd.month = t.mo;
    hd.day = t.d;
    hd.hour = t.h;
    hd.minutes = t.mi;
    hd.seconds = t.s;
    hd.ind = '+';
    if (HPDF_SetInfoDateAttr(c->pdf, HPDF_INFO_CREATION_DATE, hd) != HPDF_OK ||
        HPDF_SetInfoDateAttr(c->pdf, HPDF_INFO_MOD_DATE, hd) != HPDF_OK)
        return;                       /* recorded by the handler */
    format_dates(&t, pdf_date, xmp_date);
    creator = HPDF_GetInfoAttr(c->pdf, HPDF_INFO_CREATOR);
    producer = HPDF_GetInfoAttr(c->pdf, HPDF_INFO_PRODUCER);
    if (!identity_cmap(r)) {
        c->e->error = HPDF_FAILD_TO_ALLOC_MEM;
        return;
    }

    memset(&a, 0, sizeof(a));
    a.title = fk_render__clean(&title, inv->number);
    a.desc = fk_render__clean(&desc, DEF(fx->description, "Factur-X invoice"));
    build_xmp(&r->xmp, fx, a.title, fk_render__str(creator), fk_render__str(producer),
              xmp_date);
    a.file = fx->xml;
    a.file_len = fx->xml_len;
    a.file_name = DEF(fx->file_name, "factur-x.xml");
    a.mime = DEF(fx->mime, "text/xml");
    a.relationship = DEF(fx->relationship, "Alternative");
    a.pdf_date = pdf_date;
    a.xmp = r->xmp.ptr;
    a.xmp_len = r->xmp.len;
    a.icc_z = r->icc_z;
    a.icc_z_len = r->icc_z_len;
    a.icc_name = ICC_NAME;
    a.cmap_z = r->cmap_z;
    a.cmap_z_len = r->cmap_z_len;
    a.cid[0] = c->font[FONT_REG][ENC_CID];
    a.cid[1] = c->font[FONT_BOLD][ENC_CID];
    if (title.failed || desc.failed || r->xmp.failed)
        c->e->error = HPDF_FAILD_TO_ALLOC_MEM;
    else if (!fk_render__add_pdfa3(c->pdf, &a, &r->z) && !c->e->error)
        c->e->error = HPDF_INVALID_OBJECT;
    fk_buf_free(&title);
    fk_buf_free(&desc);
}
