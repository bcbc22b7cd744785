"""Taipei's reference data: the 12 districts and the agencies that take PB proposals."""

# (code, name, English name, eligible population aged 16+ — rounded, 2025 household registration)
DISTRICTS = [
    ("songshan", "松山區", "Songshan", 178000),
    ("xinyi", "信義區", "Xinyi", 192000),
    ("daan", "大安區", "Da'an", 268000),
    ("zhongshan", "中山區", "Zhongshan", 197000),
    ("zhongzheng", "中正區", "Zhongzheng", 136000),
    ("datong", "大同區", "Datong", 109000),
    ("wanhua", "萬華區", "Wanhua", 158000),
    ("wenshan", "文山區", "Wenshan", 233000),
    ("nangang", "南港區", "Nangang", 104000),
    ("neihu", "內湖區", "Neihu", 243000),
    ("shilin", "士林區", "Shilin", 241000),
    ("beitou", "北投區", "Beitou", 218000),
]

# (code, name, English name)
BUREAUS = [
    ("civil-affairs", "臺北市政府民政局", "Department of Civil Affairs"),
    ("transportation", "臺北市政府交通局", "Department of Transportation"),
    ("public-works", "臺北市政府工務局", "Public Works Department"),
    ("parks", "工務局公園路燈工程管理處", "Parks and Street Lights Office"),
    ("new-construction", "工務局新建工程處", "New Construction Office"),
    ("environment", "臺北市政府環境保護局", "Department of Environmental Protection"),
    ("social-welfare", "臺北市政府社會局", "Department of Social Welfare"),
    ("education", "臺北市政府教育局", "Department of Education"),
    ("culture", "臺北市政府文化局", "Department of Cultural Affairs"),
    ("sports", "臺北市政府體育局", "Department of Sports"),
    ("police", "臺北市政府警察局", "Taipei City Police Department"),
    ("health", "臺北市政府衛生局", "Department of Health"),
    ("urban-development", "臺北市政府都市發展局", "Department of Urban Development"),
]
