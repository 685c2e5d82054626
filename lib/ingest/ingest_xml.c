/* SPDX-License-Identifier: MIT */
/* ingest_xml.c -- orders from XML files (libxml2), streamed one <order> at a time and
 * validated against the orders schema (samples/orders.xsd) while they are read.
 *
 * The model is the CSV one (docs/input.md): <orders> holds <order> elements, an order's
 * fields are child elements named like the CSV columns, its lines are <line> elements
 * inside <lines>. Values go through the same helpers as CSV cells (ingest.c), so cleaning,
 * card masking and limits are identical, and the schema checks structure only.
 *
 * Why a push parser with SAX callbacks rather than xmlTextReader (both stream; neither
 * builds the document): the reader parses ahead of the node it returns, so the schema
 * validator's errors for later orders arrive before the earlier order is handed out, and
 * its nodes keep 16-bit line numbers (every element from line 65535 on says 65535). Here
 * the validator is plugged into the same event stream (xmlSchemaSAXPlug, which is what the
 * reader does internally): every event and every schema error arrives in document order,
 * at the parser's exact line, so each error lands on the order it belongs to and every
 * line number is right in a file of any size. Memory is one order, one read chunk and
 * libxml2's look-ahead, which it caps at 10 MB without XML_PARSE_HUGE.
 *
 * Hostile input (RELIABILITY.md section 3, libxml2 2.9.14): options are XML_PARSE_NONET
 * only (never NOENT, DTDLOAD, DTDVALID, HUGE; XInclude is never processed); any DOCTYPE
 * stops the file before its internal subset is read, so no entity is ever declared, let
 * alone expanded or fetched; the external entity loader refuses everything as a second
 * layer; and the bytes are read here with read(2), so a gzip file is not decompressed
 * behind our back (xmlReadFile would), it is simply not XML. Two limits libxml2 2.9's
 * push parser lacks are added: nesting deeper than 32 elements, and a tag with more than
 * 64 attributes (libxml2 compares them pair by pair), stop the file.
 *
 * What trouble does: a schema violation inside an order fails that order (ROW_MALFORMED,
 * naming the line and the element) and the file goes on. A document that is not
 * well-formed, has a DOCTYPE, breaks the schema outside any order (wrong root, a stray
 * element between orders) or one of the limits stops: the orders completed before it are
 * returned, then fk_xml_next fails with FK_EINPUT naming the file and line.
 *
 * This file is the bytes side: the file, the encoding check, the attribute scan, pushing
 * pieces to the parser, the reader's API. ingest_xml_sax.c is the libxml2 side.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/buf.h"
#include "core/util.h"
#include "ingest/ingest_xml_impl.h"

/* The orders schema, a copy of samples/orders.xsd (a unit test keeps them identical).
 * Regenerate after editing the .xsd:
 *   sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$/\\n"/' samples/orders.xsd */
static const char orders_xsd[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!--\n"
    "  orders.xsd - the XML input format of faktura (docs/input.md), version 1.\n"
    "\n"
    "  The same order model as the CSV input: the element names are the CSV column names.\n"
    "  <orders> holds <order> elements; an order's fields are child elements in any order, and\n"
    "  its invoice lines are <line> elements inside <lines>. No namespace, no attributes.\n"
    "\n"
    "  This schema checks the structure only. Every value is text, checked afterwards by the\n"
    "  same rules as a CSV value (dates, amounts, VAT numbers, IBANs...), so a CSV and an XML\n"
    "  of the same orders give the same findings. A required element may be empty: its check\n"
    "  then says what is missing, as for an empty CSV cell.\n"
    "\n"
    "  faktura carries a copy of this file (lib/ingest/ingest_xml.c); a unit test keeps the\n"
    "  two identical.\n"
    "-->\n"
    "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" elementFormDefault=\"unqualified\">\n"
    "\n"
    "  <xs:element name=\"orders\">\n"
    "    <xs:complexType>\n"
    "      <xs:sequence>\n"
    "        <xs:element name=\"order\" type=\"order\" minOccurs=\"0\" maxOccurs=\"unbounded\"/>\n"
    "      </xs:sequence>\n"
    "    </xs:complexType>\n"
    "  </xs:element>\n"
    "\n"
    "  <xs:complexType name=\"order\">\n"
    "    <xs:all>\n"
    "      <xs:element name=\"order_id\" type=\"text\"/>\n"
    "      <xs:element name=\"order_date\" type=\"text\"/>\n"
    "      <xs:element name=\"customer_id\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"customer_type\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"company_name\" type=\"text\"/>\n"
    "      <xs:element name=\"tax_id\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"country\" type=\"text\"/>\n"
    "      <xs:element name=\"street\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"postal_code\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"city\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"email\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"language\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"currency\" type=\"text\"/>\n"
    "      <xs:element name=\"payment_method\" type=\"text\"/>\n"
    "      <xs:element name=\"card_number\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"card_expiry\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"iban\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"bic\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"mandate_id\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"delivery_date\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"period_start\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"period_end\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"buyer_reference\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"order_reference\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"exchange_rate\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"exchange_rate_date\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"lines\" type=\"lines\"/>\n"
    "    </xs:all>\n"
    "  </xs:complexType>\n"
    "\n"
    "  <xs:complexType name=\"lines\">\n"
    "    <xs:sequence>\n"
    "      <xs:element name=\"line\" type=\"line\" maxOccurs=\"unbounded\"/>\n"
    "    </xs:sequence>\n"
    "  </xs:complexType>\n"
    "\n"
    "  <xs:complexType name=\"line\">\n"
    "    <xs:all>\n"
    "      <xs:element name=\"item_sku\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"item_description\" type=\"text\"/>\n"
    "      <xs:element name=\"quantity\" type=\"text\"/>\n"
    "      <xs:element name=\"unit_price\" type=\"text\"/>\n"
    "      <xs:element name=\"vat_rate\" type=\"text\"/>\n"
    "      <xs:element name=\"vat_category\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"vat_exemption_reason\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"vat_exemption_code\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"supply_type\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"unit\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"split_payment\" type=\"text\" minOccurs=\"0\"/>\n"
    "    </xs:all>\n"
    "  </xs:complexType>\n"
    "\n"
    "  <!-- Any text, without child elements or attributes. -->\n"
    "  <xs:simpleType name=\"text\">\n"
    "    <xs:restriction base=\"xs:string\"/>\n"
    "  </xs:simpleType>\n"
    "\n"
    "</xs:schema>\n";

const char *fk_xml__schema_text(size_t *len)
{
    *len = sizeof(orders_xsd) - 1;
    return orders_xsd;
}

static unsigned long count_lines(const char *p, const char *end)
{
    unsigned long n = 0;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        n++;
        p++;
    }
    return n;
}

/* libxml2 2.9 checks a tag's attributes for duplicates pair by pair: a 10 MB start tag of
 * a million attributes takes minutes. Orders have no attributes, so a scan of the raw bytes
 * a step ahead of the parser stops a tag with too many before libxml2 sees it. It knows
 * just enough XML to skip quoted values, comments, CDATA sections, PIs and declarations,
 * and counts lines to name the tag's. Returns false when a tag has more than
 * MAX_ATTRIBUTES; *safe is then how many of the n bytes come before that tag (they are
 * still parsed: the orders before it count). */
static bool scan_ahead(fk_xml_reader *in, const char *p, size_t n, size_t *safe)
{
    const char *start = p, *end = p + n;

    *safe = 0; /* a tag open at the start of the piece began in an earlier one */
    while (p < end) {
        if (in->lex == L_TEXT || in->lex == L_DQ || in->lex == L_SQ) {
            char want = in->lex == L_TEXT ? '<' : in->lex == L_DQ ? '"' : '\'';
            const char *hit = memchr(p, want, (size_t)(end - p));
            in->lex_line += count_lines(p, hit ? hit : end);
            if (!hit)
                return true;
            if (in->lex == L_TEXT) {
                *safe = (size_t)(hit - start);
                in->lex_tag_line = in->lex_line;
            }
            p = hit + 1;
            in->lex = in->lex == L_TEXT ? L_LT : L_TAG;
            continue;
        }
        if (in->lex == L_TAG) { /* the common case after text: a tight loop */
            while (p < end) {
                char c = *p++;
                if (c == '>') {
                    in->lex = L_TEXT;
                    break;
                } else if (c == '=') {
                    if (++in->lex_attrs > MAX_ATTRIBUTES)
                        return false;
                } else if (c == '"' || c == '\'') {
                    in->lex = c == '"' ? L_DQ : L_SQ;
                    break;
                } else if (c == '\n') {
                    in->lex_line++;
                }
            }
            continue;
        }
        char c = *p++;
        if (c == '\n')
            in->lex_line++;
        switch ((enum lex)in->lex) {
        case L_LT:
            in->lex = c == '!' ? L_BANG : c == '?' ? L_PI : c == '>' ? L_TEXT : L_TAG;
            in->lex_attrs = 0;
            break;
        case L_BANG:
            in->lex = c == '-' ? L_COMMENT : c == '[' ? L_CDATA : c == '>' ? L_TEXT : L_DECL;
            in->lex_p1 = in->lex_p2 = 0;
            break;
        case L_COMMENT:
        case L_CDATA:
        case L_PI:
        case L_DECL: {
            char close = in->lex == L_COMMENT ? '-' : in->lex == L_CDATA ? ']' : '?';
            if (c == '>' && (in->lex == L_DECL ||
                             (in->lex_p1 == close && (in->lex == L_PI || in->lex_p2 == close))))
                in->lex = L_TEXT;
            in->lex_p2 = in->lex_p1;
            in->lex_p1 = c;
            break;
        }
        default:
            break;
        }
    }
    return true;
}

/* Parse the next bytes of the document (and, with `terminate`, its end). */
static void push(fk_xml_reader *in, const char *data, size_t n, bool terminate)
{
    size_t safe;

    if (n > 0 && !scan_ahead(in, data, n, &safe)) {
        if (safe > 0)
            fk_xml__parse(in, data, safe, false); /* the orders before the tag still count */
        fk_xml__fail(in, FK_EINPUT, in->lex_tag_line, "a tag has more than %d attributes; the "
             "elements of an orders file have none (docs/input.md)", MAX_ATTRIBUTES);
        return;
    }
    fk_xml__parse(in, data, n, terminate);
}

static fk_status read_more(fk_xml_reader *in, fk_error *err)
{
    ssize_t got;

    in->buf_pos = in->buf_len = 0;
    do
        got = read(in->fd, in->buf, READ_CHUNK);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        return fk_error_set(err, FK_EINPUT, in->path, 0, NULL, "cannot read the file: %s",
                            strerror(errno));
    if (got == 0)
        in->eof = true;
    in->buf_len = (size_t)got;
    in->bytes += (uint64_t)got;
    return FK_OK;
}

/* ---- the encoding, decided before libxml2 sees a byte ---- */

typedef enum prolog { PROLOG_OK, PROLOG_BAD, PROLOG_MORE } prolog;

static bool xml_blank(unsigned char c)
{
    return c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D;
}

/* The encoding names libxml2 2.9.14 decodes itself: UTF-8 natively, the others with its
 * built-in handlers (xmlFindCharEncodingHandler matches them upper-cased). Any other name
 * goes to a converter library (ICU in Debian's build, iconv in others): "latin1" and
 * "ISO_8859-1" as well, so they are refused too. */
static bool encoding_accepted(const char *name)
{
    static const char *const accepted[] = {"UTF-8", "UTF8", "ISO-8859-1", "US-ASCII", "ASCII"};
    for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++)
        if (strcasecmp(name, accepted[i]) == 0)
            return true;
    return false;
}

/* Decide from the first n bytes of the file (`eof`: there are no more) whether libxml2 may
 * read it: PROLOG_MORE until that is known. Only encodings libxml2 decodes itself are
 * accepted (UTF-8, ASCII, ISO-8859-1): fuzzing libxml2 2.9.14 crashed in its UCS-4
 * detection (a file starting "<\0\0\0") and in a conversion through a converter library (a
 * declared "UTF7"). What libxml2 switches encodings on is decided here the way it decides:
 *  - the first four bytes (xmlDetectCharEncoding): a UTF-16 or UTF-32 byte order mark, NUL
 *    bytes (UTF-16 or UCS-4 without one), "<?xm" in EBCDIC;
 *  - the XML declaration, which libxml2 reads only at the very start (after a UTF-8 byte
 *    order mark) as "<?xml" and a blank, and only once its "?>" has arrived, and then
 *    never past that "?>" (its names and numbers cannot contain it). So every "encoding"
 *    between "<?xml" and the first "?>" (or the end of the file) must name an accepted
 *    encoding, however much white space pads it. libxml2 would honour it only at one place
 *    in the grammar; refusing it anywhere refuses nothing well-formed. A declaration that
 *    does not end within the buffer (64 KiB) is refused as well. */
static prolog prolog_check(const unsigned char *b, size_t n, bool eof, char *why, size_t whysz)
{
    if (n < 4 && !eof)
        return PROLOG_MORE;
    /* xmlReadFile would inflate it (a zip bomb's way in); say what it is instead */
    if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
        snprintf(why, whysz, "the file is gzip-compressed, not XML: decompress it first");
        return PROLOG_BAD;
    }
    if (n >= 2 && ((b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE))) {
        snprintf(why, whysz, "the file is UTF-16 or UTF-32 (it starts with a byte order "
                 "mark), not UTF-8: save it as UTF-8");
        return PROLOG_BAD;
    }
    if (memchr(b, '\0', n < 4 ? n : 4)) {
        snprintf(why, whysz, "the file is UTF-16 or UCS-4 (NUL bytes in its first four), not "
                 "UTF-8: save it as UTF-8");
        return PROLOG_BAD;
    }
    if (n >= 4 && memcmp(b, "\x4C\x6F\xA7\x94", 4) == 0) {
        snprintf(why, whysz, "the file is EBCDIC (it starts with \"<?xm\" in EBCDIC), not "
                 "UTF-8: save it as UTF-8");
        return PROLOG_BAD;
    }
    size_t p = n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    if (n - p < 6)
        return eof || (n - p >= 1 && b[p] != '<') ? PROLOG_OK : PROLOG_MORE;
    if (memcmp(b + p, "<?xml", 5) != 0 || !xml_blank(b[p + 5]))
        return PROLOG_OK; /* no declaration: UTF-8 */
    size_t end = p + 5;
    while (end + 1 < n && !(b[end] == '?' && b[end + 1] == '>'))
        end++;
    if (end + 1 >= n) {
        if (!eof)
            return PROLOG_MORE;
        end = n;
    }
    for (size_t i = p + 5; i + 8 <= end; i++) {
        if (memcmp(b + i, "encoding", 8) != 0)
            continue;
        char name[48];
        size_t j = i + 8, k = 0;
        bool shown = true;
        while (j < end && xml_blank(b[j]))
            j++;
        if (j < end && b[j] == '=')
            for (j++; j < end && xml_blank(b[j]); j++)
                ;
        unsigned char q = j < end ? b[j] : 0;
        if (q == '"' || q == '\'') {
            for (j++; j < end && b[j] != q; j++) {
                unsigned char c = b[j];
                if (k + 1 < sizeof(name))
                    name[k++] = (char)c;
                if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
                    shown = false;
            }
        }
        name[k] = '\0';
        if ((q == '"' || q == '\'') && j < end && k + 1 < sizeof(name) && shown && k > 0) {
            if (encoding_accepted(name)) {
                i = j;
                continue;
            }
            snprintf(why, whysz, "the XML declaration names the encoding \"%s\"; only "
                     "UTF-8, US-ASCII and ISO-8859-1 are accepted: save the file as UTF-8",
                     name);
        } else {
            snprintf(why, whysz, "the XML declaration's encoding cannot be read; only UTF-8, "
                     "US-ASCII and ISO-8859-1 are accepted: save the file as UTF-8");
        }
        return PROLOG_BAD;
    }
    return PROLOG_OK;
}

/* Read the file's first bytes until prolog_check decides; a refusal stops the document
 * before a byte is pushed to libxml2. The bytes stay in the buffer for the parser. */
static fk_status sniff(fk_xml_reader *in, fk_error *err)
{
    char why[200];

    for (;;) {
        prolog got = prolog_check((const unsigned char *)in->buf, in->buf_len, in->eof, why,
                                  sizeof(why));
        if (got == PROLOG_MORE && in->buf_len == READ_CHUNK) {
            snprintf(why, sizeof(why), "the XML declaration does not end (\"?>\") within the "
                     "first %d bytes", READ_CHUNK);
            got = PROLOG_BAD;
        }
        if (got != PROLOG_MORE) {
            in->sniffed = true;
            if (got == PROLOG_BAD)
                fk_xml__fail(in, FK_EINPUT, 1, "%s", why);
            return FK_OK;
        }
        ssize_t n;
        do
            n = read(in->fd, in->buf + in->buf_len, READ_CHUNK - in->buf_len);
        while (n < 0 && errno == EINTR);
        if (n < 0)
            return fk_error_set(err, FK_EINPUT, in->path, 0, NULL, "cannot read the file: %s",
                                strerror(errno));
        if (n == 0)
            in->eof = true;
        in->buf_len += (size_t)n;
        in->bytes += (uint64_t)n;
    }
}

/* Push input until an order is queued, the document stops, or the input ends. */
static fk_status parse_some(fk_xml_reader *in, fk_error *err)
{
    while (in->queue.len == 0 && !in->failed && !in->finished) {
        if (!in->sniffed) {
            fk_status st = sniff(in, err);
            if (st != FK_OK)
                return st;
            continue;
        }
        if (in->buf_pos == in->buf_len) {
            if (in->eof && in->bytes == 0) {
                fk_xml__fail(in, FK_EINPUT, 1, "the file is empty: an orders file has an <orders> "
                     "element (docs/input.md)");
                break;
            }
            if (in->eof) {
                push(in, NULL, 0, true);
                in->finished = true;
                break;
            }
            fk_status st = read_more(in, err);
            if (st != FK_OK)
                return st;
            continue;
        }
        size_t n = in->buf_len - in->buf_pos;
        if (n > PUSH_PIECE)
            n = PUSH_PIECE;
        push(in, in->buf + in->buf_pos, n, false);
        in->buf_pos += n;
    }
    return FK_OK;
}

static fk_status open_input(fk_xml_reader *in, const char *path, fk_error *err)
{
    struct stat sb;

    if (strcmp(path, "-") == 0) {
        in->fd = STDIN_FILENO;
        return FK_OK;
    }
    do
        in->fd = open(path, O_RDONLY | O_CLOEXEC);
    while (in->fd < 0 && errno == EINTR);
    if (in->fd < 0)
        return fk_error_set(err, FK_EINPUT, path, 0, NULL, "cannot open the input file: %s",
                            strerror(errno));
    in->own_fd = true;
    if (fstat(in->fd, &sb) == 0 && S_ISDIR(sb.st_mode))
        return fk_error_set(err, FK_EINPUT, path, 0, NULL, "is a directory, not an input file");
    if (fstat(in->fd, &sb) == 0 && S_ISREG(sb.st_mode))
        in->total = (uint64_t)sb.st_size;
    return FK_OK;
}

fk_status fk_xml_open(fk_xml_reader **out, const char *path, const fk_ingest_options *opts,
                      fk_error *err)
{
    fk_xml_reader *in;
    fk_status st;

    (void)opts; /* XML amounts always use '.'; the delimiter is a CSV matter */
    *out = NULL;
    xmlInitParser();
    in = fk_xcalloc(1, sizeof(*in));
    in->queue.size = sizeof(fk_order);
    in->path = fk_xstrdup(path);
    in->fd = -1;
    in->field = -1;
    in->cur_line = NO_LINE;
    in->decsep = '.';
    in->lex_line = 1;
    fk_order_init(&in->cur);
    if ((st = open_input(in, path, err)) != FK_OK || (st = fk_xml__setup_parser(in, err)) != FK_OK) {
        fk_xml_close(in);
        return st;
    }
    in->buf = fk_xmalloc(READ_CHUNK);
    *out = in;
    return FK_OK;
}

fk_status fk_xml_next(fk_xml_reader *in, fk_order *o, bool *got, fk_error *err)
{
    fk_order_clear(o);
    *got = false;
    fk_status st = parse_some(in, err);
    if (st != FK_OK)
        return st;
    if (in->queue.len > 0) {
        *o = *(fk_order *)fk_ingest__queue_pop(&in->queue);
        *got = true;
        return FK_OK;
    }
    if (in->failed)
        return fk_error_set(err, in->fail_status, in->path, in->fail_line, NULL, "%s",
                            in->fail_msg);
    return FK_OK;
}

void fk_xml_progress(const fk_xml_reader *in, uint64_t *bytes, uint64_t *total)
{
    *bytes = in->bytes;
    *total = in->total;
}

void fk_xml_close(fk_xml_reader *in)
{
    if (!in)
        return;
    if (in->plug)
        xmlSchemaSAXUnplug(in->plug);
    if (in->ctxt)
        xmlFreeParserCtxt(in->ctxt);
    if (in->vctxt)
        xmlSchemaFreeValidCtxt(in->vctxt);
    if (in->schema)
        xmlSchemaFree(in->schema);
    if (in->own_fd)
        close(in->fd);
    for (size_t i = 0; i < in->queue.len; i++)
        fk_order_clear(fk_ingest__queue_at(&in->queue, i));
    free(in->queue.items);
    fk_order_clear(&in->cur);
    if (in->text) {
        memset(in->text, 0, MAX_TEXT + 1);
        free(in->text);
    }
    if (in->buf) {
        memset(in->buf, 0, READ_CHUNK); /* may hold card numbers */
        free(in->buf);
    }
    free(in->path);
    free(in);
}
