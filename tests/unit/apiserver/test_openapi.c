/*
 * Unit tests for src/apiserver/openapi.c: the /openapi/v3 index and its
 * hash-addressed documents, the kinds' x-kubernetes-group-version-kind, that
 * every $ref resolves, the PATCH operations kubectl inspects for
 * fieldValidation, and the server side of fieldValidation=Strict.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "apiserver/internal.h"
#include "openapiv2.pb-c.h"

static char *gvpath_of(const cube_resource_t *r)
{
    return r->group[0] ? xasprintf("apis/%s/%s", r->group, r->version)
                       : xasprintf("api/%s", r->version);
}

static bool has_gvk(const json_t *schema, const char *group, const char *version, const char *kind)
{
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(schema, "x-kubernetes-group-version-kind"), i, g)
    {
        if (!strcmp(json_string_value(json_object_get(g, "group")), group) &&
            !strcmp(json_string_value(json_object_get(g, "version")), version) &&
            !strcmp(json_string_value(json_object_get(g, "kind")), kind))
            return true;
    }
    return false;
}

static void test_root_and_hashes(void **state)
{
    (void)state;
    json_auto_t *root = cube_openapi_v3_root();
    json_t *paths = json_object_get(root, "paths");
    assert_non_null(json_object_get(paths, "api/v1"));
    assert_non_null(json_object_get(paths, "apis/apps/v1"));
    assert_non_null(json_object_get(paths, "apis/batch/v1"));
    const char *url =
        json_string_value(json_object_get(json_object_get(paths, "api/v1"), "serverRelativeURL"));
    assert_non_null(url);
    assert_int_equal(strncmp(url, "/openapi/v3/api/v1?hash=", 24), 0);
    const char *hash = url + 24;
    assert_int_equal(strlen(hash), 128);

    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    bool imm = false;
    cube_bytes_t *b = cube_openapi_v3_serve("/openapi/v3/api/v1", hash, &imm, &err);
    assert_non_null(b);
    assert_true(imm);
    json_auto_t *doc = json_loadb((const char *)b->data, b->len, 0, NULL);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.0.0");
    cube_bytes_unref(b);

    b = cube_openapi_v3_serve("/openapi/v3/api/v1", "ABC", &imm, &err);
    assert_non_null(b);
    assert_false(imm);
    cube_bytes_unref(b);
    b = cube_openapi_v3_serve("/openapi/v3/api/v1", NULL, &imm, &err);
    assert_non_null(b);
    assert_false(imm);
    cube_bytes_unref(b);

    /* The index itself parses and lists the same paths. */
    b = cube_openapi_v3_serve("/openapi/v3", NULL, &imm, &err);
    assert_non_null(b);
    json_auto_t *again = json_loadb((const char *)b->data, b->len, 0, NULL);
    assert_true(json_equal(again, root));
    cube_bytes_unref(b);

    assert_null(cube_openapi_v3_serve("/openapi/v3/apis/nope/v1", NULL, &imm, &err));
    assert_int_equal(err.code, 404);
}

/* Every "$ref" under v names a schema of schemas. Returns the count checked. */
static size_t check_refs(const json_t *v, const json_t *schemas)
{
    size_t n = 0;
    if (json_is_object(v)) {
        const char *k;
        json_t *e;
        json_object_foreach((json_t *)v, k, e)
        {
            if (!strcmp(k, "$ref")) {
                const char *ref = json_string_value(e);
                assert_non_null(ref);
                assert_int_equal(strncmp(ref, "#/components/schemas/", 21), 0);
                if (!json_object_get(schemas, ref + 21))
                    fail_msg("unresolved $ref %s", ref);
                n++;
            } else {
                n += check_refs(e, schemas);
            }
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) n += check_refs(e, schemas);
    }
    return n;
}

static void test_every_kind_and_refs(void **state)
{
    (void)state;
    size_t n;
    const cube_resource_t *const *rs = cube_api_resources(&n);
    assert_true(n > 20);
    size_t kinds = 0, stored = 0;
    for (size_t i = 0; i < n; i++) {
        const cube_resource_t *r = rs[i];
        /* create-only reviews (TokenReview, SelfSubjectReview, ...) are never stored */
        if (!(r->verbs & CUBE_VERB_GET))
            continue;
        stored++;
        _cleanup_free_ char *p = gvpath_of(r);
        json_auto_t *doc = cube_openapi_v3_doc(p);
        assert_non_null(doc);
        json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
        bool found = false, found_list = false;
        const char *name;
        json_t *s;
        json_object_foreach(schemas, name, s)
        {
            found = found || has_gvk(s, r->group, r->version, r->kind);
            found_list = found_list || has_gvk(s, r->group, r->version, r->list_kind);
            if (has_gvk(s, r->group, r->version, r->kind)) {
                assert_string_equal(json_string_value(json_object_get(s, "type")), "object");
                assert_non_null(json_object_get(json_object_get(s, "properties"), "metadata"));
            }
        }
        if (!found)
            fail_msg("no schema with the GVK of %s %s", p, r->kind);
        if (!found_list)
            fail_msg("no schema with the GVK of %s %s", p, r->list_kind);
        assert_true(check_refs(doc, schemas) > 0);
        kinds++;
    }
    assert_int_equal(kinds, stored);
}

static json_t *schema_of(const json_t *doc, const char *name)
{
    return json_object_get(json_object_get(json_object_get(doc, "components"), "schemas"), name);
}

static void test_core_schemas(void **state)
{
    (void)state;
    json_auto_t *doc = cube_openapi_v3_doc("api/v1");
    json_t *pod = schema_of(doc, "io.k8s.api.core.v1.Pod");
    assert_non_null(pod);
    assert_true(has_gvk(pod, "", "v1", "Pod"));
    json_t *meta = json_object_get(json_object_get(pod, "properties"), "metadata");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(meta, "allOf"), 0), "$ref")),
                        "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");

    json_t *spec = schema_of(doc, "io.k8s.api.core.v1.PodSpec");
    json_t *containers = json_object_get(json_object_get(spec, "properties"), "containers");
    assert_string_equal(json_string_value(json_object_get(containers, "type")), "array");
    assert_string_equal(
        json_string_value(json_object_get(containers, "x-kubernetes-patch-merge-key")), "name");
    assert_string_equal(
        json_string_value(json_object_get(containers, "x-kubernetes-patch-strategy")), "merge");
    json_t *req = json_object_get(spec, "required");
    assert_string_equal(json_string_value(json_array_get(req, 0)), "containers");

    json_t *c = schema_of(doc, "io.k8s.api.core.v1.Container");
    json_t *props = json_object_get(c, "properties");
    assert_string_equal(json_string_value(json_object_get(json_object_get(props, "image"), "type")),
                        "string");
    json_t *ports = json_object_get(props, "ports");
    assert_string_equal(json_string_value(json_object_get(ports, "x-kubernetes-list-type")), "map");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(ports, "x-kubernetes-list-map-keys"), 0)),
        "containerPort");

    /* Maps are additionalProperties; IntOrString, Quantity and Time are the shared schemas. */
    json_t *om = schema_of(doc, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    json_t *labels = json_object_get(json_object_get(om, "properties"), "labels");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(labels, "additionalProperties"), "type")),
        "string");
    json_t *ios = schema_of(doc, "io.k8s.apimachinery.pkg.util.intstr.IntOrString");
    assert_true(json_is_true(json_object_get(ios, "x-kubernetes-int-or-string")));
    json_t *t = schema_of(doc, "io.k8s.apimachinery.pkg.apis.meta.v1.Time");
    assert_string_equal(json_string_value(json_object_get(t, "format")), "date-time");
    assert_non_null(schema_of(doc, "io.k8s.apimachinery.pkg.api.resource.Quantity"));
}

static void test_patch_advertises_field_validation(void **state)
{
    (void)state;
    json_auto_t *doc = cube_openapi_v3_doc("apis/apps/v1");
    json_t *p =
        json_object_get(json_object_get(doc, "paths"), "/apis/apps/v1/namespaces/{namespace}/"
                                                       "deployments/{name}");
    assert_non_null(p);
    json_t *patch = json_object_get(p, "patch");
    json_t *gvk = json_object_get(patch, "x-kubernetes-group-version-kind");
    assert_string_equal(json_string_value(json_object_get(gvk, "kind")), "Deployment");
    bool fv = false;
    size_t i;
    json_t *param;
    json_array_foreach(json_object_get(patch, "parameters"), i, param) fv =
        fv || !strcmp(json_string_value(json_object_get(param, "name")), "fieldValidation");
    assert_true(fv);

    json_auto_t *core = cube_openapi_v3_doc("api/v1");
    assert_non_null(json_object_get(json_object_get(core, "paths"), "/api/v1/nodes/{name}"));
}

/* Every "$ref" under v names a definition of the v2 document. */
static size_t check_v2_refs(const json_t *v, const json_t *defs)
{
    size_t n = 0;
    if (json_is_object(v)) {
        const char *k;
        json_t *e;
        json_object_foreach((json_t *)v, k, e)
        {
            if (!strcmp(k, "$ref")) {
                const char *ref = json_string_value(e);
                assert_int_equal(strncmp(ref, "#/definitions/", 14), 0);
                if (!json_object_get(defs, ref + 14))
                    fail_msg("unresolved $ref %s", ref);
                n++;
            } else {
                assert_true(strcmp(k, "allOf") && strcmp(k, "oneOf"));
                n += check_v2_refs(e, defs);
            }
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) n += check_v2_refs(e, defs);
    }
    return n;
}

static void test_v2_document(void **state)
{
    (void)state;
    json_auto_t *doc = cube_openapi_v2_doc();
    assert_string_equal(json_string_value(json_object_get(doc, "swagger")), "2.0");
    json_t *defs = json_object_get(doc, "definitions");
    assert_true(check_v2_refs(doc, defs) > 100);
    /* every served kind, from every group, in the one document */
    size_t n;
    const cube_resource_t *const *rs = cube_api_resources(&n);
    for (size_t i = 0; i < n; i++) {
        if (!(rs[i]->verbs & CUBE_VERB_GET))
            continue;
        bool found = false;
        const char *name;
        json_t *s;
        json_object_foreach(defs, name, s) found =
            found || has_gvk(s, rs[i]->group, rs[i]->version, rs[i]->kind);
        if (!found)
            fail_msg("v2: no definition with the GVK of %s", rs[i]->kind);
    }
    json_t *c = json_object_get(
        json_object_get(json_object_get(defs, "io.k8s.api.core.v1.PodSpec"), "properties"),
        "containers");
    assert_string_equal(json_string_value(json_object_get(c, "x-kubernetes-patch-merge-key")),
                        "name");
    assert_string_equal(json_string_value(json_object_get(json_object_get(c, "items"), "$ref")),
                        "#/definitions/io.k8s.api.core.v1.Container");
    /* Swagger 2.0 scalars: IntOrString is a string with a format */
    json_t *ios = json_object_get(defs, "io.k8s.apimachinery.pkg.util.intstr.IntOrString");
    assert_string_equal(json_string_value(json_object_get(ios, "format")), "int-or-string");
    /* operations: list, create, read, replace, patch, delete with parameters and a body */
    json_t *item = json_object_get(json_object_get(doc, "paths"),
                                   "/apis/apps/v1/namespaces/{namespace}/deployments/{name}");
    assert_non_null(item);
    json_t *put = json_object_get(item, "put");
    assert_string_equal(json_string_value(json_object_get(put, "operationId")),
                        "replaceAppsV1NamespacedDeployment");
    json_t *body = json_array_get(json_object_get(put, "parameters"), 0);
    assert_string_equal(json_string_value(json_object_get(body, "in")), "body");
    assert_non_null(json_object_get(item, "patch"));
    assert_non_null(json_object_get(item, "delete"));
    json_t *coll = json_object_get(json_object_get(doc, "paths"),
                                   "/apis/apps/v1/namespaces/{namespace}/deployments");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(coll, "get"), "x-kubernetes-action")),
        "list");
    assert_non_null(json_object_get(json_object_get(doc, "paths"), "/apis/apps/v1/deployments"));
    assert_non_null(json_object_get(json_object_get(doc, "paths"), "/api/v1/nodes/{name}/status"));
}

static void test_serve_etag_accept(void **state)
{
    (void)state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_openapi_answer_t a;
    assert_int_equal(
        cube_openapi_serve("/openapi/v2", NULL, "application/json", NULL, NULL, &a, &err), 0);
    assert_non_null(a.body);
    assert_false(a.immutable);
    assert_int_equal(strlen(a.etag), 130);
    char etag[131];
    strcpy(etag, a.etag);
    cube_bytes_t *first = a.body;

    /* the same precomputed bytes every time */
    assert_int_equal(cube_openapi_serve("/openapi/v2", NULL, "*/*", NULL, NULL, &a, &err), 0);
    assert_ptr_equal(a.body, first);
    cube_bytes_unref(a.body);
    cube_bytes_unref(first);

    /* If-None-Match with the ETag: 304 without a body; another ETag: the document */
    assert_int_equal(cube_openapi_serve("/openapi/v2", NULL, NULL, NULL, etag, &a, &err), 0);
    assert_true(a.not_modified);
    assert_null(a.body);
    assert_int_equal(cube_openapi_serve("/openapi/v2", NULL, NULL, NULL, "\"ABC\"", &a, &err), 0);
    assert_false(a.not_modified);
    cube_bytes_unref(a.body);

    /* kubectl asks for the protobuf form only: an openapi.v2.Document with the same
       definitions and their vendor extensions, under its own ETag */
    assert_int_equal(
        cube_openapi_serve("/openapi/v2", NULL,
                           "application/com.github.proto-openapi.spec.v2@v1.0+protobuf", NULL, NULL,
                           &a, &err),
        0);
    assert_string_equal(a.content_type, "application/octet-stream");
    assert_string_not_equal(a.etag, etag);
    Openapi__V2__Document *d =
        openapi__v2__document__unpack(NULL, a.body->len, (const uint8_t *)a.body->data);
    assert_non_null(d);
    assert_string_equal(d->swagger, "2.0");
    const Openapi__V2__Schema *dep = NULL;
    for (size_t i = 0; i < d->definitions->n_additional_properties; i++)
        if (!strcmp(d->definitions->additional_properties[i]->name,
                    "io.k8s.api.apps.v1.Deployment"))
            dep = d->definitions->additional_properties[i]->value;
    assert_non_null(dep);
    assert_string_equal(dep->type->value[0], "object");
    bool gvk = false;
    for (size_t i = 0; i < dep->n_vendor_extension; i++)
        if (!strcmp(dep->vendor_extension[i]->name, "x-kubernetes-group-version-kind"))
            gvk = !strcmp(dep->vendor_extension[i]->value->yaml,
                          "[{\"group\":\"apps\",\"kind\":\"Deployment\",\"version\":\"v1\"}]");
    assert_true(gvk);
    openapi__v2__document__free_unpacked(d, NULL);
    cube_bytes_unref(a.body);
    /* neither JSON nor protobuf acceptable: 406 */
    assert_int_equal(cube_openapi_serve("/openapi/v2", NULL, "text/html", NULL, NULL, &a, &err),
                     -1);
    assert_int_equal(err.code, 406);
    cube_err_clear(&err);
    assert_int_equal(cube_openapi_serve("/openapi/v2", NULL,
                                        "application/com.github.proto-openapi.spec.v2@v1.0+"
                                        "protobuf, application/json;q=0.5",
                                        NULL, NULL, &a, &err),
                     0);
    cube_bytes_unref(a.body);

    /* v3 group-version documents: the ETag is the hash of the index URL */
    json_auto_t *root = cube_openapi_v3_root();
    const char *url = json_string_value(json_object_get(
        json_object_get(json_object_get(root, "paths"), "apis/apps/v1"), "serverRelativeURL"));
    const char *hash = strstr(url, "?hash=") + 6;
    assert_int_equal(
        cube_openapi_serve("/openapi/v3/apis/apps/v1/", hash, NULL, NULL, NULL, &a, &err), 0);
    assert_true(a.immutable);
    assert_int_equal(strncmp(a.etag + 1, hash, 128), 0);
    cube_bytes_unref(a.body);
    char quoted[140];
    snprintf(quoted, sizeof(quoted), "W/\"%s\"", hash);
    assert_int_equal(
        cube_openapi_serve("/openapi/v3/apis/apps/v1", NULL, NULL, NULL, quoted, &a, &err), 0);
    assert_true(a.not_modified);
    /* an outdated hash: 301 to the current address */
    assert_int_equal(
        cube_openapi_serve("/openapi/v3/apis/apps/v1", "ABC", NULL, NULL, NULL, &a, &err), 0);
    assert_null(a.body);
    assert_non_null(a.location);
    assert_string_equal(a.location, url);

    /* gzip only when asked for (and built with zlib): the same document, compressed */
    assert_int_equal(
        cube_openapi_serve("/openapi/v3/apis/apps/v1", NULL, NULL, "gzip, deflate", NULL, &a, &err),
        0);
#ifdef CUBE_HAVE_ZLIB
    assert_true(a.gzip);
    assert_int_equal((unsigned char)a.body->data[0], 0x1f);
    assert_int_equal((unsigned char)a.body->data[1], 0x8b);
#else
    assert_false(a.gzip);
#endif
    cube_bytes_unref(a.body);
    assert_int_equal(
        cube_openapi_serve("/openapi/v3/apis/apps/v1", NULL, NULL, "gzip;q=0", NULL, &a, &err), 0);
    assert_false(a.gzip);
    assert_int_equal(a.body->data[0], '{');
    cube_bytes_unref(a.body);
    assert_int_equal(
        cube_openapi_serve("/openapi/v3/apis/nope/v1", NULL, NULL, NULL, NULL, &a, &err), -1);
    assert_int_equal(err.code, 404);
}

static void test_strict_check(void **state)
{
    (void)state;
    const cube_resource_t *pods = cube_api_resource_find("", "v1", "pods");
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *good = json_loads(
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"labels\":{\"a\":"
        "\"b\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"ports\":[{"
        "\"containerPort\":80}],\"resources\":{\"limits\":{\"cpu\":\"1\"}}}]}}",
        0, NULL);
    assert_int_equal(cube_openapi_strict_check(pods, good, &err), 0);
    assert_int_equal(err.code, 0);

    json_auto_t *bad = json_loads(
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"nam\":1},"
        "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"},{\"name\":\"d\",\"imagee\":"
        "\"i\"}]}}",
        0, NULL);
    assert_int_equal(cube_openapi_strict_check(pods, bad, &err), -1);
    assert_int_equal(err.code, 400);
    assert_string_equal(err.reason, "BadRequest");
    assert_string_equal(err.msg, "Pod in version \"v1\" cannot be handled as a Pod: strict "
                                 "decoding error: unknown field \"metadata.nam\", unknown field "
                                 "\"spec.containers[1].imagee\"");

    const cube_resource_t *deps = cube_api_resource_find("apps", "v1", "deployments");
    cube_err_t err2 _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *dep = json_loads("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"spec\":{"
                                  "\"replica\":2}}",
                                  0, NULL);
    assert_int_equal(cube_openapi_strict_check(deps, dep, &err2), -1);
    assert_string_equal(err2.msg, "Deployment in version \"v1\" cannot be handled as a "
                                  "Deployment: strict decoding error: unknown field "
                                  "\"spec.replica\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_root_and_hashes),
        cmocka_unit_test(test_every_kind_and_refs),
        cmocka_unit_test(test_core_schemas),
        cmocka_unit_test(test_patch_advertises_field_validation),
        cmocka_unit_test(test_v2_document),
        cmocka_unit_test(test_serve_etag_accept),
        cmocka_unit_test(test_strict_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
