/* Unit tests for src/api/smp.c: strategic merge patch on real manifests.
 *
 * Documents are written with single quotes for readability and turned into
 * JSON by parse(). Expected results follow Kubernetes' strategicpatch
 * package as the API server applies it (element order included: elements
 * the patch names keep the patch's order, new ones come before the
 * server-only ones unless $setElementOrder says otherwise). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "api/api.h"

static json_t *parse(const char *s)
{
    char *t = xstrdup(s);
    for (char *p = t; *p; p++)
        if (*p == '\'')
            *p = '"';
    json_error_t e;
    json_t *j = json_loads(t, JSON_DECODE_ANY, &e);
    if (!j)
        fail_msg("bad test JSON %s: %s", t, e.text);
    free(t);
    return j;
}

static const cube_resource_t *pods(void)
{
    const cube_resource_t *r = cube_api_resource_find("", "v1", "pods");
    assert_non_null(r);
    return r;
}

static const cube_resource_t *deployments(void)
{
    const cube_resource_t *r = cube_api_resource_find("apps", "v1", "deployments");
    assert_non_null(r);
    return r;
}

/* Applies patch to doc and compares with want (NULL: expects an error with code). */
static void check(const cube_resource_t *r, const char *doc, const char *patch, const char *want,
                  int code)
{
    json_auto_t *d = parse(doc), *p = parse(patch);
    json_auto_t *d0 = json_deep_copy(d), *p0 = json_deep_copy(p);
    json_t *out = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int rc = cube_strategic_merge_patch(r, d, p, &out, &err);
    json_auto_t *got = out;
    assert_true(json_equal(d, d0)); /* inputs untouched */
    assert_true(json_equal(p, p0));
    if (!want) {
        if (rc >= 0) {
            _cleanup_free_ char *s = cube_json_dump(got, NULL);
            fail_msg("patch %s: expected error %d, got %s", patch, code, s);
        }
        assert_int_equal(err.code, code);
        return;
    }
    if (rc < 0)
        fail_msg("patch %s: unexpected error %d %s", patch, err.code, err.msg);
    json_auto_t *w = parse(want);
    if (!json_equal(got, w)) {
        _cleanup_free_ char *s = cube_json_dump(got, NULL);
        _cleanup_free_ char *ws = cube_json_dump(w, NULL);
        fail_msg("patch %s:\n got  %s\n want %s", patch, s, ws);
    }
}

#define POD                                                                                        \
    "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','labels':{'app':'web','tier':'fe'}," \
    "'finalizers':['a.io/x','b.io/y']},"                                                           \
    "'spec':{'containers':["                                                                       \
    "{'name':'nginx','image':'nginx:1.25','ports':[{'containerPort':80,'protocol':'TCP'}],"        \
    "'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]},"                                  \
    "{'name':'sidecar','image':'busybox','args':['sleep','3600']}],"                               \
    "'volumes':[{'name':'data','emptyDir':{}},{'name':'cfg','configMap':{'name':'c1'}}],"          \
    "'nodeSelector':{'disk':'ssd'}}}"

/* The pod of POD with its spec replaced. */
#define POD_WITH(spec)                                                                             \
    "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','labels':{'app':'web','tier':'fe'}," \
    "'finalizers':['a.io/x','b.io/y']},'spec':" spec "}"

#define NGINX                                                                                      \
    "{'name':'nginx','image':'nginx:1.25','ports':[{'containerPort':80,'protocol':'TCP'}],"        \
    "'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]}"
#define SIDECAR "{'name':'sidecar','image':'busybox','args':['sleep','3600']}"
#define VOLUMES "'volumes':[{'name':'data','emptyDir':{}},{'name':'cfg','configMap':{'name':'c1'}}]"
#define NODESEL "'nodeSelector':{'disk':'ssd'}"

/* kubectl patch pod web -p '{"spec":{"containers":[{"name":"nginx","image":"nginx:1.26"}]}}' */
static void test_containers_merge_by_name(void **state)
{
    check(pods(), POD, "{'spec':{'containers':[{'name':'nginx','image':'nginx:1.26'}]}}",
          POD_WITH("{'containers':[{'name':'nginx','image':'nginx:1.26','ports':[{'containerPort':"
                   "80,'protocol':'TCP'}],'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]"
                   "}," SIDECAR "]," VOLUMES "," NODESEL "}"),
          0);
}

static void test_new_container_goes_first(void **state)
{
    check(pods(), POD, "{'spec':{'containers':[{'name':'log','image':'fluentd'}]}}",
          POD_WITH("{'containers':[{'name':'log','image':'fluentd'}," NGINX "," SIDECAR "]," VOLUMES
                   "," NODESEL "}"),
          0);
}

static void test_env_merge_by_name(void **state)
{
    check(pods(), POD,
          "{'spec':{'containers':[{'name':'nginx','env':[{'name':'B','value':'3'},{'name':'C',"
          "'value':'4'}]}]}}",
          POD_WITH("{'containers':[{'name':'nginx','image':'nginx:1.25','ports':[{'containerPort':"
                   "80,'protocol':'TCP'}],'env':[{'name':'A','value':'1'},{'name':'B','value':'3'},"
                   "{'name':'C','value':'4'}]}," SIDECAR "]," VOLUMES "," NODESEL "}"),
          0);
    /* env element without its merge key cannot apply */
    check(pods(), POD, "{'spec':{'containers':[{'name':'nginx','env':[{'value':'3'}]}]}}", NULL,
          500); /* Kubernetes: InternalError */
    /* a container without its merge key neither */
    check(pods(), POD, "{'spec':{'containers':[{'image':'x'}]}}", NULL, 500);
}

static void test_ports_merge_by_container_port(void **state)
{
    check(pods(), POD,
          "{'spec':{'containers':[{'name':'nginx','ports':[{'containerPort':80,'name':'http'},{"
          "'containerPort':443}]}]}}",
          POD_WITH("{'containers':[{'name':'nginx','image':'nginx:1.25','ports':[{'containerPort':"
                   "80,'protocol':'TCP','name':'http'},{'containerPort':443}],'env':[{'name':'A',"
                   "'value':'1'},{'name':'B','value':'2'}]}," SIDECAR "]," VOLUMES "," NODESEL "}"),
          0);
    /* args is not a merging list: replaced */
    check(pods(), POD, "{'spec':{'containers':[{'name':'sidecar','args':['true']}]}}",
          POD_WITH("{'containers':[" NGINX
                   ",{'name':'sidecar','image':'busybox','args':['true']}]," VOLUMES "," NODESEL
                   "}"),
          0);
}

static void test_volumes_merge_by_name(void **state)
{
    check(pods(), POD, "{'spec':{'volumes':[{'name':'cfg','configMap':{'name':'c2'}}]}}",
          POD_WITH("{'containers':[" NGINX "," SIDECAR "],'volumes':[{'name':'data','emptyDir':{}},"
                   "{'name':'cfg','configMap':{'name':'c2'}}]," NODESEL "}"),
          0);
    /* the volume source changes kind: $retainKeys drops the old one */
    check(pods(), POD,
          "{'spec':{'volumes':[{'$retainKeys':['hostPath','name'],'name':'data','hostPath':{'path':"
          "'/srv'}}]}}",
          POD_WITH("{'containers':[" NGINX "," SIDECAR "],'volumes':[{'name':'data','hostPath':{"
                   "'path':'/srv'}},{'name':'cfg','configMap':{'name':'c1'}}]," NODESEL "}"),
          0);
}

static void test_delete_and_replace_elements(void **state)
{
    check(pods(), POD, "{'spec':{'containers':[{'name':'sidecar','$patch':'delete'}]}}",
          POD_WITH("{'containers':[" NGINX "]," VOLUMES "," NODESEL "}"), 0);
    check(pods(), POD,
          "{'spec':{'containers':[{'$patch':'replace'},{'name':'only','image':'alpine'}]}}",
          POD_WITH("{'containers':[{'name':'only','image':'alpine'}]," VOLUMES "," NODESEL "}"), 0);
    /* delete without the merge key, unknown directive */
    check(pods(), POD, "{'spec':{'containers':[{'$patch':'delete'}]}}", NULL, 500);
    check(pods(), POD, "{'spec':{'containers':[{'name':'nginx','$patch':'bogus'}]}}", NULL, 400);
    check(pods(), POD, "{'spec':{'containers':[{'name':'nginx','$patch':'merge'}]}}", NULL, 500);
}

static void test_object_directives(void **state)
{
    /* $patch: replace on a map, $patch: delete on an object */
    check(pods(), POD,
          "{'metadata':{'labels':{'$patch':'replace','new':'1'}},'spec':{'nodeSelector':{'$patch':"
          "'delete'}}}",
          "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','labels':{'new':'1'},"
          "'finalizers':['a.io/x','b.io/y']},'spec':{'containers':[" NGINX "," SIDECAR "]," VOLUMES
          ",'nodeSelector':{}}}",
          0);
    check(pods(), POD, "{'metadata':{'labels':{'$patch':'nope'}}}", NULL, 400);
}

static void test_null_deletes_and_maps_merge(void **state)
{
    check(pods(), POD,
          "{'metadata':{'labels':{'tier':null,'env':'prod','gone':null}},'spec':{'nodeSelector':"
          "null,'hostname':'h1'}}",
          "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','labels':{'app':'web','env':"
          "'prod'},'finalizers':['a.io/x','b.io/y']},'spec':{'containers':[" NGINX "," SIDECAR
          "]," VOLUMES ",'hostname':'h1'}}",
          0);
}

static void test_finalizers_primitive_list(void **state)
{
    check(pods(), POD, "{'metadata':{'$deleteFromPrimitiveList/finalizers':['a.io/x']}}",
          "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','labels':{'app':'web','tier':"
          "'fe'},'finalizers':['b.io/y']},'spec':{'containers':[" NGINX "," SIDECAR "]," VOLUMES
          "," NODESEL "}}",
          0);
    /* merge lists of scalars take the union */
    check(pods(), POD, "{'metadata':{'finalizers':['b.io/y','c.io/z']}}",
          "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','labels':{'app':'web','tier':"
          "'fe'},'finalizers':['a.io/x','b.io/y','c.io/z']},'spec':{'containers':[" NGINX
          "," SIDECAR "]," VOLUMES "," NODESEL "}}",
          0);
    check(pods(), POD, "{'metadata':{'$deleteFromPrimitiveList/finalizers':'a.io/x'}}", NULL, 400);
    check(pods(), POD, "{'metadata':{'$deleteFromPrimitiveListfinalizers':['a.io/x']}}", NULL, 400);
}

/* What client-side kubectl apply sends: $setElementOrder with additions and deletions. */
static void test_set_element_order(void **state)
{
    check(pods(), POD,
          "{'spec':{'$setElementOrder/containers':[{'name':'sidecar'},{'name':'nginx'},{'name':"
          "'log'}],'containers':[{'name':'log','image':'fluentd'}]}}",
          POD_WITH("{'containers':[" SIDECAR "," NGINX ",{'name':'log','image':'fluentd'}]," VOLUMES
                   "," NODESEL "}"),
          0);
    check(pods(), POD,
          "{'spec':{'$setElementOrder/containers':[{'name':'nginx'}],'containers':[{'$patch':"
          "'delete','name':'sidecar'}]}}",
          POD_WITH("{'containers':[" NGINX "]," VOLUMES "," NODESEL "}"), 0);
    /* order-only patch of a scalar list */
    check(pods(), POD, "{'metadata':{'$setElementOrder/finalizers':['b.io/y','a.io/x']}}",
          "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','labels':{'app':'web','tier':"
          "'fe'},'finalizers':['b.io/y','a.io/x']},'spec':{'containers':[" NGINX "," SIDECAR
          "]," VOLUMES "," NODESEL "}}",
          0);
    check(pods(), POD, "{'spec':{'$setElementOrder/containers':5}}", NULL, 400);
    check(pods(), POD,
          "{'spec':{'$setElementOrder/containers':[{'name':'nginx'}],'containers':[{'name':'x',"
          "'image':'y'}]}}",
          NULL, 400);
}

#define DEPLOY(strategy)                                                                           \
    "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'spec':{'replicas':1,"  \
    "'strategy':" strategy ",'template':{'spec':{'containers':[{'name':'nginx','image':'nginx'}]}" \
    "}}}"

static void test_retain_keys_strategy(void **state)
{
    const char *doc = DEPLOY(
        "{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%','maxUnavailable':'25%'}}");
    /* as kubectl apply sends it */
    check(deployments(), doc,
          "{'spec':{'strategy':{'$retainKeys':['type'],'rollingUpdate':null,'type':'Recreate'}}}",
          DEPLOY("{'type':'Recreate'}"), 0);
    check(deployments(), doc, "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}",
          DEPLOY("{'type':'Recreate'}"), 0);
    /* without the directive the strategy merges */
    check(deployments(), doc, "{'spec':{'strategy':{'type':'Recreate'}}}",
          DEPLOY("{'type':'Recreate','rollingUpdate':{'maxSurge':'25%','maxUnavailable':'25%'}}"),
          0);
    /* the patch may only set retained keys */
    check(deployments(), doc,
          "{'spec':{'strategy':{'$retainKeys':['type'],'rollingUpdate':{'maxSurge':1}}}}", NULL,
          400);
    check(deployments(), doc, "{'spec':{'strategy':{'$retainKeys':'type'}}}", NULL, 400);
}

static void test_new_values_lose_directives(void **state)
{
    json_auto_t *d = parse(POD), *p = parse("{'spec':{'initContainers':[{'name':'init','image':"
                                            "'busybox','resources':{'$patch':'replace'},'env':[{"
                                            "'name':'X','$patch':'delete'},{'name':'Y','value':"
                                            "null}]}],'$setElementOrder/initContainers':[{'name':"
                                            "'init'}]}}");
    json_t *out = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_strategic_merge_patch(pods(), d, p, &out, &err), 0);
    json_auto_t *got = out;
    json_auto_t *want = parse("[{'name':'init','image':'busybox','resources':{},'env':[{'name':"
                              "'Y'}]}]");
    assert_true(json_equal(cube_json_path(got, "spec", "initContainers", NULL), want));
    assert_null(cube_json_path(got, "spec", "$setElementOrder/initContainers", NULL));
}

static void test_unknown_fields_merge_like_merge_patch(void **state)
{
    check(pods(), "{'spec':{'x':{'a':1,'b':[1,2]},'containers':[]}}",
          "{'spec':{'x':{'a':null,'b':[3],'c':{'d':null,'e':1}}}}",
          "{'spec':{'x':{'b':[3],'c':{'e':1}},'containers':[]}}", 0);
    /* a resource without a schema row still merges */
    check(NULL, "{'a':{'b':1},'l':[1,2]}", "{'a':{'c':2},'l':[3]}", "{'a':{'b':1,'c':2},'l':[3]}",
          0);
}

static void test_type_mismatch_and_bad_lists(void **state)
{
    /* a list where the document has a string: replaced */
    check(pods(), "{'spec':{'containers':'x'}}", "{'spec':{'containers':[{'name':'a'}]}}",
          "{'spec':{'containers':[{'name':'a'}]}}", 0);
    /* lists of lists and mixed element types cannot merge */
    check(pods(), "{'metadata':{'finalizers':['a']}}", "{'metadata':{'finalizers':[['b']]}}", NULL,
          422);
    check(pods(), "{'metadata':{'finalizers':['a']}}", "{'metadata':{'finalizers':[1]}}", NULL,
          500);
    check(pods(), "{}", "[]", NULL, 400);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_containers_merge_by_name),
        cmocka_unit_test(test_new_container_goes_first),
        cmocka_unit_test(test_env_merge_by_name),
        cmocka_unit_test(test_ports_merge_by_container_port),
        cmocka_unit_test(test_volumes_merge_by_name),
        cmocka_unit_test(test_delete_and_replace_elements),
        cmocka_unit_test(test_object_directives),
        cmocka_unit_test(test_null_deletes_and_maps_merge),
        cmocka_unit_test(test_finalizers_primitive_list),
        cmocka_unit_test(test_set_element_order),
        cmocka_unit_test(test_retain_keys_strategy),
        cmocka_unit_test(test_new_values_lose_directives),
        cmocka_unit_test(test_unknown_fields_merge_like_merge_patch),
        cmocka_unit_test(test_type_mismatch_and_bad_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
