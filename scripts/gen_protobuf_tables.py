#!/usr/bin/env python3
"""Regenerates the message tables at the end of src/api/protobuf.c.

Usage: gen_protobuf_tables.py [/path/to/kubectl] > tables.inc

kubectl (gogo-protobuf) embeds every generated.proto it was built with as a
gzipped FileDescriptorProto (with the gogoproto.nullable options telling which
Go fields are pointers), and keeps the Go struct tags (`json:"x,omitempty"
protobuf:"varint,2,opt,name=x"`) for encoding/json. This reads both from the
binary and prints, for every message reachable from the top-level kinds of
the groups in PKGS, one table of {number, kind, flags, message, JSON name}.
Paste the output between the clang-format off/on markers in protobuf.c.
"""
import re, sys, zlib
KUBECTL = sys.argv[1] if len(sys.argv) > 1 else '/usr/bin/kubectl'
binary = open(KUBECTL, 'rb').read()
protos = {}
for mm in re.finditer(b'\x1f\x8b\x08\x00\x00\x00\x00\x00', binary):
    try:
        raw = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(binary[mm.start():mm.start() + 2000000])
    except Exception:
        continue
    if b'generated.proto' in raw[:200]:
        protos[raw[2:2 + raw[1]].decode('latin1')] = raw
ALLTAGS = re.findall(rb'json:"([^"]*)" protobuf:"([^"]*)"', binary)
def varint(b,i):
    r=0;s=0
    while True:
        c=b[i];i+=1;r|=(c&0x7f)<<s;s+=7
        if c<0x80: return r,i
def fields(b):
    i=0;out=[]
    while i<len(b):
        k,i=varint(b,i);f=k>>3;t=k&7
        if t==0: v,i=varint(b,i)
        elif t==2:
            l,i=varint(b,i);v=b[i:i+l];i+=l
        elif t==1: v=b[i:i+8];i+=8
        elif t==5: v=b[i:i+4];i+=4
        out.append((f,v))
    return out
msgs={}   # full name -> dict
def load_msg(b,prefix,pkg):
    fs=fields(b);name=[v for f,v in fs if f==1][0].decode()
    full=prefix+'.'+name
    m={'full':full,'name':name,'pkg':pkg,'fields':[],'mapentry':False}
    for f,v in fs:
        if f==7:
            m['mapentry']=any(ff==7 for ff,vv in fields(v))
        if f==2:
            d={}
            for ff,vv in fields(v): d[ff]=vv
            opts=dict(fields(d[8])) if 8 in d else {}
            m['fields'].append({'name':d[1].decode(),'num':d[3],'label':d.get(4),'type':d.get(5),
                'tn':d.get(6,b'').decode(),'nullable':opts.get(65001,1)!=0,'cn':opts.get(65004,b'').decode()})
        if f==3: load_msg(v,full,pkg)
    msgs[full]=m
PKGS={
 'k8s.io/api/core/v1':'', 'k8s.io/api/apps/v1':'apps','k8s.io/api/batch/v1':'batch',
 'k8s.io/api/rbac/v1':'rbac.authorization.k8s.io','k8s.io/api/scheduling/v1':'scheduling.k8s.io',
 'k8s.io/api/policy/v1':'policy','k8s.io/api/networking/v1':'networking.k8s.io',
 'k8s.io/api/autoscaling/v1':'autoscaling','k8s.io/api/autoscaling/v2':'autoscaling',
 'k8s.io/api/coordination/v1':'coordination.k8s.io','k8s.io/api/storage/v1':'storage.k8s.io',
 'k8s.io/api/discovery/v1':'discovery.k8s.io','k8s.io/api/events/v1':'events.k8s.io',
 'k8s.io/api/authentication/v1':'authentication.k8s.io','k8s.io/api/authorization/v1':'authorization.k8s.io',
 'k8s.io/apimachinery/pkg/apis/meta/v1':None,'k8s.io/apimachinery/pkg/util/intstr':None,
 'k8s.io/apimachinery/pkg/api/resource':None,'k8s.io/apimachinery/pkg/runtime':None,
 'k8s.io/apimachinery/pkg/runtime/schema':None,
}
for path in PKGS:
    b=protos[path+'/generated.proto']
    fs=fields(b)
    pkg=[v for f,v in fs if f==2][0].decode()
    for f,v in fs:
        if f==4: load_msg(v,'.'+pkg,path)
META='.k8s.io.apimachinery.pkg.apis.meta.v1.'
SPECIAL={META+'Time':'TIME',META+'MicroTime':'MICROTIME',
 META+'FieldsV1':'RAWJSON','.k8s.io.apimachinery.pkg.runtime.RawExtension':'RAWJSON',
 '.k8s.io.apimachinery.pkg.util.intstr.IntOrString':'INTORSTR','.k8s.io.apimachinery.pkg.api.resource.Quantity':'QUANTITY'}
# Go embedded structs serialized with `json:",inline"`.
INLINE={('ConfigMapEnvSource','localObjectReference'),('ConfigMapKeySelector','localObjectReference'),
 ('ConfigMapProjection','localObjectReference'),('ConfigMapVolumeSource','localObjectReference'),
 ('SecretEnvSource','localObjectReference'),('SecretKeySelector','localObjectReference'),
 ('SecretProjection','localObjectReference'),('EphemeralContainer','ephemeralContainerCommon'),
 ('PersistentVolumeSpec','persistentVolumeSource'),('Probe','handler'),('Volume','volumeSource'),
 ('IngressRule','ingressRuleValue')}
# json tags without omitempty, from the struct tags in the kubectl binary
tags=set()
for j,p in set(ALLTAGS):
    j,p=j.decode(),p.decode()
    ps=p.split(',');nm=[x[5:] for x in ps if x.startswith('name=')]
    tags.add((ps[0],int(ps[1]),nm[0] if nm else '', 'omitempty' in j or 'inline' in j))
def wire(t): return {3:'varint',4:'varint',5:'varint',8:'varint',13:'varint',9:'bytes',12:'bytes',1:'fixed64',2:'fixed32',11:'bytes'}[t]
roots=[]
for full,m in msgs.items():
    if m['pkg'] in PKGS and PKGS[m['pkg']] is not None and m['fields'] and m['fields'][0]['name']=='metadata' and m['fields'][0]['tn']==META+'ObjectMeta' and '.' not in full[len('.'+m['pkg'])+0:].replace('.'+m['full'].split('.')[-1],'',1)[1:]:
        roots.append(full)
roots=[r for r in roots if r.count('.')==len(r.split('.'))-1]
roots.append(META+'DeleteOptions')
# reachability
order=[];seen=set()
def visit(full):
    if full in seen or full in SPECIAL: return
    seen.add(full); m=msgs[full]
    for f in m['fields']:
        if f['type']==11: visit(f['tn'])
    order.append(full)
for r in sorted(roots): visit(r)
cname={}
for full in order:
    m=msgs[full]
    parts=full.split('.')
    # package short: e.g. core_v1 / meta_v1
    p=m['pkg'].split('/')
    short=(p[-2]+'_'+p[-1]) if p[-1].startswith('v') else p[-1]
    local=full[len('.'+m['pkg'].replace('k8s.io/api/','k8s.io.api.').replace('k8s.io/apimachinery/','k8s.io.apimachinery.').replace('/','.'))+1:]
    cname[full]=(short+'_'+local.replace('.','_')).upper()
TY={3:'INT64',5:'INT32',8:'BOOL',9:'STRING',12:'BYTES'}
amb=[]
out=[]
out.append('enum {')
for full in order: out.append(f'    M_{cname[full]},')
out.append('    M__COUNT,\n};\n')
for full in order:
    m=msgs[full]
    out.append(f'static const pb_field_t F_{cname[full]}[] = {{')
    for f in sorted(m['fields'],key=lambda f:f['num']):
        flags=[]
        if f['label']==3: flags.append('REP')
        if m['mapentry']: flags.append('KEEP')
        sub='0'
        if f['type']==11:
            if f['tn'] in SPECIAL: kind=SPECIAL[f['tn']]
            elif msgs[f['tn']]['mapentry']: kind='MAP'; sub='M_'+cname[f['tn']]; flags=[x for x in flags if x!='REP']
            else: kind='MSG'; sub='M_'+cname[f['tn']]
            if (m['name'],f['name']) in INLINE: flags.append('INL')
            if f['nullable'] and kind in ('TIME','MICROTIME','INTORSTR','QUANTITY'): flags.append('KEEP')
        else:
            kind=TY[f['type']]
            if f['nullable'] and f['label']!=3: flags.append('KEEP')
            elif f['label']!=3 and not m['mapentry']:
                c=[t for t in tags if t[0]==wire(f['type']) and t[1]==f['num'] and t[2]==f['name']]
                kinds=set(t[3] for t in c)
                if kinds=={False} and kind!='STRING':
                    flags.append('KEEP'); pass
                elif len(kinds)>1: amb.append((m['name'],f['name']))
        flags=sorted(set(flags),key=flags.index)
        fl='|'.join(flags) or '0'
        js='NULL' if 'INL' in flags else '"'+f['name']+'"'
        out.append(f'    {{{f["num"]}, K_{kind}, {fl}, {sub}, {js}}},')
    out.append('};')
out.append('\n#define MSG(id, name) [M_##id] = {name, F_##id, CUBE_ARRAY_SIZE(F_##id)}')
out.append('static const pb_msg_t msgs[M__COUNT] = {')
for full in order:
    out.append(f'    MSG({cname[full]}, "{msgs[full]["name"]}"),')
out.append('};')
out.append('#undef MSG\n')
out.append('static const pb_type_t types[] = {')
for r in sorted(roots, key=lambda r:(PKGS.get(msgs[r]['pkg']) or '', r)):
    m=msgs[r]; g=PKGS[m['pkg']]
    v=m['pkg'].split('/')[-1]
    gv = (g+'/'+v) if g else v
    if g is None: continue
    out.append(f'    {{"{g}", "{v}", "{m["name"]}", M_{cname[r]}}},')
out.append('};')
sys.stdout.write('\n'.join(out)+'\n')
print(len(order),'messages', sum(len(msgs[f]['fields']) for f in order),'fields', len(roots),'roots', file=sys.stderr)

